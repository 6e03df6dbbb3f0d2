package io.vigil.examples.demo.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link PeerMain} in a child JVM: {@code java -cp <the demo's classes> PeerMain ...}, optionally behind a prefix
 * such as {@code ip netns exec NS}. Its output lines are collected (and passed to a listener);
 * {@link #command(String)} writes a line to its standard input; {@link #stop()} sends {@code SIGSTOP}. Every wait is
 * bounded, and {@link #close()} kills it.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
public final class PeerProcess implements AutoCloseable {

    /** A cold JVM on a busy two-core machine: generous, but bounded. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Consumer<String> listener;
    private final List<String> lines = new ArrayList<>();
    private final long pid;
    private final int[] localPorts;
    private boolean stopped;

    private PeerProcess(Process process, Consumer<String> listener) throws IOException {
        this.process = process;
        this.listener = listener;
        Thread reader = new Thread(this::collect, "peer-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        String[] first = awaitLine("CONNECTED ", START_TIMEOUT).split(" ");
        this.pid = Long.parseLong(first[1]);
        String[] ports = first[2].split(",");
        this.localPorts = new int[ports.length];
        for (int i = 0; i < ports.length; i++) {
            localPorts[i] = Integer.parseInt(ports[i]);
        }
    }

    /**
     * Starts a peer and waits (bounded) until it has connected.
     *
     * @param prefix a command to run the JVM under (e.g. {@code ip netns exec NS}), or empty
     * @param listener receives every line the peer prints, on a reader thread
     * @param args {@link PeerMain}'s arguments
     * @return the running peer
     * @throws IOException if it cannot start or does not connect in time (it is then killed)
     */
    public static PeerProcess start(List<String> prefix, Consumer<String> listener, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-Xss512k", "-XX:-UsePerfData",
                "-cp", classPath(), PeerMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            return new PeerProcess(p, listener);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** PeerMain needs only the JDK and its own class: the directory or jar it was loaded from. */
    private static String classPath() throws IOException {
        try {
            return Path.of(PeerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot locate the demo's classes for the peer process: " + e, e);
        }
    }

    private void collect() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
                listener.accept(line);
            }
        } catch (IOException ignored) {
            // The process is gone.
        }
    }

    /**
     * Waits for the first output line that starts with a prefix.
     *
     * @param prefix the prefix
     * @param timeout the longest wait
     * @return the line
     * @throws IOException on timeout or if the process ended, with its output so far
     */
    public synchronized String awaitLine(String prefix, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < lines.size(); seen++) {
                if (lines.get(seen).startsWith(prefix)) {
                    return lines.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.isAlive()) {
                throw new IOException("the peer printed no line starting with '" + prefix + "' within " + timeout
                        + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")")
                        + "; its output: " + lines);
            }
            try {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /**
     * Returns the pid the peer reported (with {@code ip netns exec} the JVM replaces the prefix command).
     *
     * @return the pid
     */
    public long pid() {
        return pid;
    }

    /**
     * Returns the local port of the peer's n-th connection, in the order of the ports it was given.
     *
     * @param n 0-based
     * @return the port
     */
    public int localPort(int n) {
        return localPorts[n];
    }

    /**
     * Sends a command line to the peer's standard input.
     *
     * @param command e.g. {@link PeerMain#STOP_DRAINING}
     * @throws IOException if the peer is gone
     */
    public synchronized void command(String command) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * Stops the peer with {@code SIGSTOP}: its kernel still ACKs every segment, its application answers nothing.
     *
     * @throws IOException if the signal cannot be sent
     */
    public synchronized void stop() throws IOException {
        Shell.run("kill", "-STOP", Long.toString(pid));
        stopped = true;
    }

    /** Resumes (if stopped) and kills the peer, waiting a bounded time for it to exit. Idempotent; never throws. */
    @Override
    public void close() {
        synchronized (this) {
            if (stopped) {
                try {
                    Shell.tryRun("kill", "-CONT", Long.toString(pid));
                } catch (IOException ignored) {
                    // Killed below all the same.
                }
                stopped = false;
            }
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "peer process " + pid;
    }
}
