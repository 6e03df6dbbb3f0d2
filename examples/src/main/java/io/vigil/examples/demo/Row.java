package io.vigil.examples.demo;

/**
 * One line of the summary: what a layer was expected to do on a connection, and what it did.
 *
 * @param scenario e.g. {@code 2 hung peer}
 * @param connection e.g. {@code bob:user}
 * @param layer {@code kernel}, {@code user} or {@code both}
 * @param expected the expectation and its bound, e.g. {@code PeerDead in 5000 .. 5300 ms}
 * @param detected what happened, e.g. {@code PROBES_UNANSWERED at 5012 ms}
 * @param outcome whether that was within the bound
 */
record Row(String scenario, String connection, String layer, String expected, String detected, Outcome outcome) {

    /** Whether a row met its expectation. */
    enum Outcome {
        /** Within the bound (or, for a healthy peer, left alone). */
        YES,
        /** Missed the bound, wrong verdict, or a healthy peer declared dead: the demo fails. */
        NO,
        /** Could not be shown here (e.g. the kernel layer behind a simulated network); says why; not a failure. */
        NOT_SHOWN;

        static Outcome of(boolean ok) {
            return ok ? YES : NO;
        }

        @Override
        public String toString() {
            return this == NOT_SHOWN ? "n/a" : this == YES ? "yes" : "NO";
        }
    }
}
