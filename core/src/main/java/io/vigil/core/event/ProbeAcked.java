package io.vigil.core.event;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The peer proved alive while probes were outstanding: the first inbound message of any kind after a probe. The
 * probe count goes back to zero.
 *
 * <p>The round-trip time is known when that message is a reply to a probe with an id Vigil recognises; any other
 * message proves life without one.
 *
 * @since 0.1
 */
public final class ProbeAcked implements HealthEvent {

    /** {@link #rttNanos()} when the round-trip time is unknown. */
    public static final long UNKNOWN_RTT = -1;

    private final int probes;
    private final long rttNanos;

    /**
     * Creates the event.
     *
     * @param probes how many probes were outstanding, at least 1
     * @param rttNanos the round-trip time of the answered probe in nanoseconds, or {@link #UNKNOWN_RTT}
     */
    public ProbeAcked(int probes, long rttNanos) {
        if (probes < 1) {
            throw new IllegalArgumentException("probes = " + probes + " is out of range: allowed >= 1");
        }
        if (rttNanos < 0 && rttNanos != UNKNOWN_RTT) {
            throw new IllegalArgumentException("rttNanos = " + rttNanos + " is out of range: allowed >= 0 or -1");
        }
        this.probes = probes;
        this.rttNanos = rttNanos;
    }

    /**
     * Returns how many probes were outstanding when the peer proved alive.
     *
     * @return at least 1
     */
    public int probes() {
        return probes;
    }

    /**
     * Returns the round-trip time of the answered probe.
     *
     * @return nanoseconds, or {@link #UNKNOWN_RTT}
     */
    public long rttNanos() {
        return rttNanos;
    }

    /**
     * Returns the round-trip time of the answered probe, if known.
     *
     * @return the round-trip time, or empty when the proof of life was not a recognised reply
     */
    public Optional<Duration> rtt() {
        return rttNanos == UNKNOWN_RTT ? Optional.empty() : Optional.of(Duration.ofNanos(rttNanos));
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ProbeAcked && ((ProbeAcked) o).probes == probes && ((ProbeAcked) o).rttNanos == rttNanos;
    }

    @Override
    public int hashCode() {
        return 31 * probes + Long.hashCode(rttNanos);
    }

    @Override
    public String toString() {
        return "ProbeAcked(" + probes + (rttNanos == UNKNOWN_RTT ? ", rtt unknown)" : ", rtt " + rttNanos / 1000 + " us)");
    }
}
