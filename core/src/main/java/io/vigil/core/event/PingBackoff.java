package io.vigil.core.event;

import io.vigil.core.policy.DurationFormat;

/**
 * The client was told it pings too often ({@code too_many_pings}) and doubled its probe idle time for this remote
 * address; connections to the address opened later in the process use the new idle time.
 *
 * @param remoteAddress the peer's address, as the back-off table keys it ({@code host:port})
 * @param oldIdleNanos the idle time in force, nanoseconds
 * @param newIdleNanos the idle time from now on, nanoseconds
 * @since 0.2
 */
public record PingBackoff(String remoteAddress, long oldIdleNanos, long newIdleNanos) implements LifecycleEvent {

    @Override
    public String toString() {
        return "PingBackoff(" + remoteAddress + ": idle " + DurationFormat.formatNanos(oldIdleNanos) + " -> "
                + DurationFormat.formatNanos(newIdleNanos) + ")";
    }
}
