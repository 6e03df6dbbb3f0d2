package io.vigil.core.handler;

import io.vigil.core.policy.KeepAlivePolicy;

/**
 * The arithmetic of probe jitter, apart from the handler: a per-channel lead {@code j} by which the first probe of
 * each probing episode goes out before the machine's schedule puts it.
 *
 * <p>With the jitter fraction {@code f} and a channel's draw {@code u} in [0, 1) (taken once, when the channel
 * becomes active): {@code J = min(f × interval, idle / 2)} and {@code j = ⌊u × J⌋}. The machine keeps its schedule
 * exactly, on the kernel's grid or the nominal one: the handler only arms the timer {@code j} before the machine's
 * deadline while the machine is {@link io.vigil.core.machine.HealthState#ACTIVE}, and hands the machine its own
 * deadline back before the tick is judged. So the expiry that sends an episode's first probe is handled up to
 * {@code J} early, while every expiry after it (the later probes, the user timeout, the verdict) is the kernel's:
 * the verdict time, and so {@code KeepAlivePolicy.deadWithin(D)}, does not move. What changes is that a quiet,
 * live peer is probed up to {@code J} sooner, and that data arriving in the last {@code j} before the kernel's
 * first probe can no longer spare that probe.
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
     * Returns the channel's lead.
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
}
