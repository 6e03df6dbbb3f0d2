package io.vigil.examples.demo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The demo's console: a live timeline, one line per event (elapsed ms since the start, connection, layer, event,
 * evidence), and a countdown while the demo waits for a verdict. On a terminal the countdown is one status line
 * redrawn in place; otherwise (a pipe, a CI log) it prints a line when a whole second passes.
 *
 * <p><b>Thread safety:</b> thread-safe: event loops, peer output readers and the scenario thread all print here.
 */
final class Timeline {

    private static final String CLEAR_LINE = "\r\033[K";

    private final long start = System.nanoTime();
    private final PrintStream out;
    private final boolean terminal;
    private boolean statusShown;

    Timeline(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Returns the milliseconds since the demo started.
     *
     * @param nanos a {@link System#nanoTime()} instant
     * @return elapsed ms
     */
    long elapsedMillis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos - start);
    }

    /**
     * Prints one timeline line.
     *
     * @param connection the connection, e.g. {@code bob:kernel}, or {@code -}
     * @param layer {@code kernel}, {@code user}, {@code peer} or {@code demo}
     * @param event what happened
     * @param evidence what it rests on, or empty
     */
    synchronized void event(String connection, String layer, String event, String evidence) {
        clearStatus();
        out.printf(Locale.ROOT, "%+8d ms  %-13s %-6s %-32s %s%n", elapsedMillis(System.nanoTime()), connection,
                layer, event, evidence);
        out.flush();
    }

    /**
     * Prints what the demo itself does, on the timeline.
     *
     * @param connection the connection concerned, or {@code -}
     * @param what what the demo does
     */
    void act(String connection, String what) {
        event(connection, "demo", what, "");
    }

    /**
     * Prints a line outside the timeline.
     *
     * @param text the text
     */
    synchronized void line(String text) {
        clearStatus();
        out.println(text);
        out.flush();
    }

    /**
     * Waits until a condition holds or a deadline passes, showing the seconds left.
     *
     * @param label what the wait is for
     * @param deadline {@link System#nanoTime()} to stop at
     * @param done checked every 20 ms; the wait ends early when it returns true
     * @return whether the condition held
     * @throws InterruptedException if interrupted
     */
    boolean countdown(String label, long deadline, BooleanSupplier done) throws InterruptedException {
        long shown = Long.MAX_VALUE;
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999L);
            if (seconds != shown) {
                shown = seconds;
                status(seconds, label);
            }
            Thread.sleep(20);
        }
        return true;
    }

    private synchronized void status(long seconds, String label) {
        String text = String.format(Locale.ROOT, "%+8d ms  ... %d s left: %s", elapsedMillis(System.nanoTime()),
                seconds, label);
        if (terminal) {
            out.print(CLEAR_LINE + text);
            statusShown = true;
        } else {
            out.println(text);
        }
        out.flush();
    }

    private void clearStatus() {
        if (statusShown) {
            out.print(CLEAR_LINE);
            statusShown = false;
        }
    }
}
