package io.vigil.core.event;

import io.vigil.core.policy.DurationFormat;

/**
 * A connection is being retired by a lifecycle policy: it carried no application traffic for the maximum idle
 * time, or reached its maximum age. Fired when the retirement starts (HTTP/2: the {@code GOAWAY} goes out and the
 * in-flight streams may finish; other protocols: the close), and once more with {@code forced} if the grace period
 * ran out with the connection still open.
 *
 * @param reason why
 * @param afterNanos the idle time or the (jittered) age that was reached, nanoseconds
 * @param forced false when the retirement starts; true when the grace period ran out and the connection is closed
 *        at once
 * @since 0.2
 */
public record ConnectionRetired(Reason reason, long afterNanos, boolean forced) implements LifecycleEvent {

    /**
     * Why a connection is retired.
     *
     * @since 0.2
     */
    public enum Reason {
        /** No application traffic for the maximum idle time (probes do not count); debug data {@code max_idle}. */
        MAX_IDLE("max_idle"),
        /** The connection reached its maximum age; debug data {@code max_age}. */
        MAX_AGE("max_age");

        private final String debugData;

        Reason(String debugData) {
            this.debugData = debugData;
        }

        /**
         * Returns the text sent to the peer, as gRPC sends it in its {@code GOAWAY}.
         *
         * @return {@code max_idle} or {@code max_age}
         */
        public String debugData() {
            return debugData;
        }
    }

    @Override
    public String toString() {
        return "ConnectionRetired(" + reason.debugData() + " after " + DurationFormat.formatNanos(afterNanos)
                + (forced ? ", grace period over: closed)" : ")");
    }
}
