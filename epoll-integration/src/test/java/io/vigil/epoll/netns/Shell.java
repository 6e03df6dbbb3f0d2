package io.vigil.epoll.netns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command and returns its output; every wait is bounded. */
final class Shell {

    private static final long TIMEOUT_SECONDS = 20;

    private Shell() {
    }

    /**
     * Runs a command and fails unless it exits with 0 within the timeout.
     *
     * @param cmd the command and its arguments
     * @return standard output and error, merged
     * @throws IOException naming the command, its exit status and its output
     */
    static String run(String... cmd) throws IOException {
        Result r = tryRun(cmd);
        if (r.exit != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + r.exit + ": " + r.output.strip());
        }
        return r.output;
    }

    /**
     * Runs a command and returns its exit status and output.
     *
     * @param cmd the command and its arguments
     * @return the result; exit status -1 if it timed out (it is then killed)
     * @throws IOException if it cannot be started
     */
    static Result tryRun(String... cmd) throws IOException {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try (InputStream in = p.getInputStream()) {
            // Outputs here are small: read to EOF, which comes when the process exits (or is killed below).
            Thread killer = new Thread(() -> {
                try {
                    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }, "shell-timeout");
            killer.setDaemon(true);
            killer.start();
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Result(done ? p.exitValue() : -1, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    /** A command's exit status and merged output. */
    record Result(int exit, String output) {
    }
}
