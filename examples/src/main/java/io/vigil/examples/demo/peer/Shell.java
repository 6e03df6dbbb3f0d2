package io.vigil.examples.demo.peer;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command ({@code ip}, {@code kill}) and returns its output; every wait is bounded.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class Shell {

    private static final long TIMEOUT_SECONDS = 10;

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
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + r.exit() + ": " + r.output().strip());
        }
        return r.output();
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
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try (InputStream in = p.getInputStream()) {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + TIMEOUT_SECONDS + " s");
            }
            // The outputs are a few lines: they fit the pipe, so waiting first cannot block the command.
            return new Result(p.exitValue(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    /**
     * A command's exit status and merged output.
     *
     * @param exit the exit status, -1 on timeout
     * @param output standard output and error
     */
    record Result(int exit, String output) {
    }
}
