package io.vigil.core.event;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The peer proved alive while it was being probed, ending the probing episode: the first inbound message of any
 * kind after a probe (row 3 of the transition table). The probe count goes back to zero.
 *
 * <p>It carries a round-trip time ({@link #rtt()}) only when that message was a reply to one of the episode's probes
 * and its id said which; plain traffic, or a reply Vigil cannot match, proves life without one.
 *
 * @since 0.1
 */
public final class PeerAlive implements HealthEvent {

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
    public PeerAlive(int probes, long rttNanos) {
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
        return o instanceof PeerAlive && ((PeerAlive) o).probes == probes && ((PeerAlive) o).rttNanos == rttNanos;
    }

    @Override
    public int hashCode() {
        return 31 * probes + Long.hashCode(rttNanos);
    }

    @Override
    public String toString() {
        return "PeerAlive(" + probes + (rttNanos == UNKNOWN_RTT ? ", rtt unknown)" : ", rtt " + rttNanos / 1000 + " us)");
    }
}
