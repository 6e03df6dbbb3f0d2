package io.vigil.core.machine;

/**
 * Where a connection stands, as the userspace mirror sees it.
 *
 * @since 0.1
 */
public enum HealthState {
    /** Armed, no probe outstanding: the peer was heard from within the idle time, or answered. */
    ACTIVE,
    /** At least one probe is outstanding: the peer is suspect. */
    PROBING,
    /**
     * The channel is half-closed: an application probe can no longer make the round trip, so probing stopped.
     * Kernel keepalive, where set, still runs.
     */
    SUSPENDED,
    /** The peer was declared dead; the channel is being closed. */
    DEAD,
    /** The channel closed or the handler was removed; nothing is armed. */
    CLOSED
}
