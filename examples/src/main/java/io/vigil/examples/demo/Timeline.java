package io.vigil.examples.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints one line per event, with the time since the demo started.
 *
 * <p><b>Thread safety:</b> thread-safe; lines from several event loops never interleave.
 */
final class Timeline {

    private final long start = System.nanoTime();
    private final PrintStream out;

    Timeline(PrintStream out) {
        this.out = out;
    }

    /** Milliseconds since the start. */
    double elapsedMillis() {
        return (System.nanoTime() - start) / 1e6;
    }

    synchronized void print(String who, String what) {
        out.printf(Locale.ROOT, "%+9.1f ms  %-6s %s%n", elapsedMillis(), who, what);
        out.flush();
    }

    synchronized void line(String text) {
        out.println(text);
        out.flush();
    }
}
