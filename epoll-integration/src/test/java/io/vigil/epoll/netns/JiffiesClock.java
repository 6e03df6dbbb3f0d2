package io.vigil.epoll.netns;

import io.vigil.core.policy.KernelClock;
import io.vigil.core.policy.KernelHz;
import org.jspecify.annotations.Nullable;

/**
 * The kernel's absolute jiffies as a function of {@link System#nanoTime()} ({@code CLOCK_MONOTONIC}): the tests'
 * view of {@link KernelClock#detect()}, which learns the offset from {@code /proc/timer_list} (root only). The tick
 * is aligned to multiples of {@code TICK_NSEC} of the monotonic clock, so {@code jiffies = ⌊now / TICK_NSEC⌋ +
 * offset}.
 *
 * <p><b>Thread safety:</b> immutable.
 */
final class JiffiesClock {

    private final KernelClock clock;

    private JiffiesClock(KernelClock clock) {
        this.clock = clock;
    }

    /**
     * Learns the clock, or says why it cannot.
     *
     * @param hz the kernel's tick rate
     * @param why receives the reason when the result is null
     * @return the clock, or null
     */
    static @Nullable JiffiesClock learn(KernelHz hz, StringBuilder why) {
        KernelClock c = KernelClock.detect();
        if (!c.phaseKnown() || c.hz() != hz.hz()) {
            why.append(c.source());
            return null;
        }
        return new JiffiesClock(c);
    }

    /**
     * Returns the jiffies value at an instant.
     *
     * @param nanoTime a {@link System#nanoTime()} reading
     * @return absolute jiffies
     */
    long jiffiesAt(long nanoTime) {
        return clock.jiffyAt(nanoTime);
    }

    /**
     * Returns when a jiffy begins.
     *
     * @param jiffies absolute jiffies
     * @return a {@link System#nanoTime()} value
     */
    long startNanos(long jiffies) {
        return clock.startNanos(jiffies);
    }
}
