package io.vigil.examples.http2;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A third-party peer in its own JVM, started with the test's class path: it can be frozen with {@code SIGSTOP}
 * (its kernel still ACKs, its application answers nothing: a hung process) and is killed on {@link #close()}. Its
 * output is read line by line; every wait is bounded.
 */
final class PeerJvm implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new CopyOnWriteArrayList<>();

    private PeerJvm(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "peer-jvm-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code main} in a child JVM.
     *
     * @param main the class to run
     * @param args its arguments
     * @return the running child
     * @throws IOException if it cannot be started
     */
    static PeerJvm start(Class<?> main, String... args) throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new PeerJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                all.add(line);
                lines.add(line);
            }
        } catch (IOException ignored) {
            // The child was killed.
        }
    }

    /**
     * Waits for a line that starts with {@code prefix}.
     *
     * @param prefix the start of the line
     * @param seconds how long to wait at most
     * @return the line
     * @throws InterruptedException if interrupted
     */
    String awaitLine(String prefix, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' within " + seconds + " s; the peer said: "
                + all + (process.isAlive() ? "" : " and exited with " + process.exitValue()));
    }

    /**
     * Freezes the child with {@code SIGSTOP}.
     *
     * @throws IOException if {@code kill} cannot run
     * @throws InterruptedException if interrupted
     */
    void freeze() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new AssertionError("kill -STOP " + process.pid() + " failed");
        }
    }

    /** Kills the child ({@code SIGKILL} works on a stopped process too) and waits for it, at most 5 s. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                throw new AssertionError("peer JVM " + process.pid() + " still alive 5 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
