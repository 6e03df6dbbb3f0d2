package io.vigil.epoll.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PeerMain} running in its own JVM inside a peer namespace ({@code ip netns exec NS java ...}). Its
 * standard output is collected line by line; {@link #stop()} and {@link #resume()} send {@code SIGSTOP} and
 * {@code SIGCONT}. Every wait is bounded.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class PeerProcess implements AutoCloseable {

    /** A cold JVM on a busy two-core machine: generous, but bounded. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final long pid;
    private final String[] firstLine;
    private boolean stopped;

    private PeerProcess(Process process) throws IOException {
        this.process = process;
        Thread reader = new Thread(this::collect, "peer-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        String first = awaitLine("", START_TIMEOUT);
        this.firstLine = first.split(" ");
        this.pid = Long.parseLong(firstLine[1]);
    }

    static PeerProcess start(String namespace, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes;
        try {
            classes = Path.of(PeerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, java,
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-Xss512k", "-XX:-UsePerfData",
                "-cp", classes, PeerMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            return new PeerProcess(p);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
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
    synchronized String awaitLine(String prefix, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < lines.size(); seen++) {
                if (lines.get(seen).startsWith(prefix)) {
                    return lines.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.isAlive() && seen == lines.size()) {
                throw new IOException("peer printed no line starting with '" + prefix + "' within " + timeout
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
     * Returns a field of the first line the peer printed: {@code READY pid port} or {@code CONNECTED pid port}.
     *
     * @return the port
     */
    int port() {
        return Integer.parseInt(firstLine[2]);
    }

    /**
     * Returns the peer's pid, as it reported it.
     *
     * @return the pid
     */
    long pid() {
        return pid;
    }

    /**
     * Stops the peer process with {@code SIGSTOP}: its kernel still ACKs, its application answers nothing.
     *
     * @throws IOException if the signal cannot be sent
     */
    synchronized void stop() throws IOException {
        Shell.run("kill", "-STOP", Long.toString(pid));
        stopped = true;
    }

    /**
     * Resumes a stopped peer with {@code SIGCONT}.
     *
     * @throws IOException if the signal cannot be sent
     */
    synchronized void resume() throws IOException {
        Shell.run("kill", "-CONT", Long.toString(pid));
        stopped = false;
    }

    /** Resumes (if stopped) and kills the peer, waiting a bounded time for it to exit. Never throws. */
    @Override
    public void close() {
        try {
            synchronized (this) {
                if (stopped) {
                    resume();
                }
            }
        } catch (IOException ignored) {
            // Killed below all the same.
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized String toString() {
        return "peer " + pid + " " + lines;
    }
}
