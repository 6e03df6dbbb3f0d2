package io.vigil.examples.demo;

import java.util.List;
import java.util.Locale;

/**
 * One failure the demo stages: it sets up its peer and connections, makes the failure happen at a known instant,
 * waits (with a countdown) for each layer's verdict or for proof that none comes, and reports a {@link Row} per
 * expectation. It cleans up what it made before it returns (and registers all of it with the stage's janitor, for
 * Ctrl-C).
 */
interface Scenario {

    /**
     * Returns the label, e.g. {@code 2 hung peer}.
     *
     * @return the label
     */
    String title();

    /**
     * Returns what the scenario shows and why it ends the way it does, in a sentence or two.
     *
     * @param stage the stage
     * @return the story
     */
    String story(Stage stage);

    /**
     * Runs the scenario.
     *
     * @param stage the stage
     * @return one row per expectation
     * @throws Exception if it cannot be staged
     */
    List<Row> run(Stage stage) throws Exception;

    /**
     * The row of a userspace-only connection to a peer that went silent: a userspace verdict within the bound after
     * its last inbound message.
     *
     * @param scenario the scenario's title
     * @param user the connection
     * @param bound the bound
     * @return the row
     */
    static Row silentPeerRow(String scenario, Watch user, Bounds.Window bound) {
        Watch.Verdict v = user.dead.getNow(null);
        long at = user.verdictAfter(user.lastInbound());
        return new Row(scenario, user.name(), "user", "PeerDead in " + bound + " after the last message",
                user.describeVerdict(user.lastInbound()),
                Row.Outcome.of(v != null && !v.kernel() && bound.contains(at)));
    }

    /**
     * Formats a duration for the timeline and the summary.
     *
     * @param nanos nanoseconds
     * @return e.g. {@code 5012 ms}
     */
    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%d ms", nanos / 1_000_000L);
    }
}
