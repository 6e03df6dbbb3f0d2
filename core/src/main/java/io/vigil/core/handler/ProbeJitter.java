package io.vigil.core.handler;

import io.vigil.core.policy.KeepAlivePolicy;
import java.time.Duration;

/**
 * The arithmetic of probe jitter, apart from the handler: a per-channel offset {@code j} taken off the idle time
 * the machine waits before the first probe of each episode, and given back on the wait after that probe.
 *
 * <p>With the jitter fraction {@code f} and a channel's draw {@code u} in [0, 1) (taken once, when the channel
 * becomes active): {@code J = min(f × interval, idle / 2)} and {@code j = ⌊u × J⌋}. The machine runs on a
 * per-channel copy of the policy whose idle is {@code idle - j} (its interval, probes, user timeout and proof of
 * life are the policy's own), so the first probe of each episode goes out in {@code [idle - J, idle]} after the
 * last inbound message; the handler then puts the next deadline {@code j} later, so the second and later probes
 * and the verdict stay where the policy puts them: {@code idle + k × interval}, verdict
 * {@code idle + probes × interval}. When the peer ends the episode (any inbound message), a deadline still delayed
 * by {@code j} is brought back to {@code idle - j} after that message, so the delay never holds back the next
 * episode. The verdict time, and so {@code KeepAlivePolicy.deadWithin(D)}, is unchanged;
 * what changes is that a quiet, live peer is probed up to {@code J / idle} more often. It composes with whatever
 * schedule the machine computes for the idle deadline: the offset is applied to the idle it is given, never to the
 * probe interval or the verdict.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class ProbeJitter {

    /** The system property that sets the jitter of handlers that were not given one: {@value}. */
    static final String PROPERTY = "io.vigil.keepalive.probeJitter";

    private ProbeJitter() {
    }

    /**
     * Returns the jitter a new handler starts with: the system property {@value #PROPERTY} if set, else
     * {@code fallback}.
     *
     * @throws IllegalArgumentException if the property is set to anything but a number in 0 .. 1
     */
    static double configuredDefault(double fallback) {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return fallback;
        }
        double jitter;
        try {
            jitter = Double.parseDouble(value.trim());
        } catch (NumberFormatException notANumber) {
            jitter = Double.NaN;
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("-D" + PROPERTY + " : " + value
                    + " (expected: 0 .. 1, a fraction of the policy's interval; 0 disables jitter)");
        }
        return jitter;
    }

    /**
     * Returns the channel's offset.
     *
     * @param policy the policy in force
     * @param fraction the jitter fraction of the interval, 0 .. 1
     * @param draw the channel's draw, 0 (inclusive) .. 1 (exclusive)
     * @param tickNanos the timer's tick: a bound below it is no jitter at all
     * @return nanoseconds, 0 .. J
     */
    static long offsetNanos(KeepAlivePolicy policy, double fraction, double draw, long tickNanos) {
        long bound = Math.min((long) (fraction * policy.intervalNanos()), policy.idleNanos() / 2);
        if (bound < tickNanos) {
            return 0;
        }
        return (long) (draw * bound);
    }

    /**
     * Returns the policy the machine runs on: the idle shortened by {@code offset}, everything else the policy's
     * own (the user timeout made explicit so that it does not follow the shorter idle).
     */
    static KeepAlivePolicy shortenIdle(KeepAlivePolicy policy, long offsetNanos) {
        if (offsetNanos == 0) {
            return policy;
        }
        return policy.toBuilder()
                .idle(Duration.ofNanos(policy.idleNanos() - offsetNanos))
                .userTimeout(Duration.ofNanos(policy.userTimeoutNanos()))
                .build();
    }
}
