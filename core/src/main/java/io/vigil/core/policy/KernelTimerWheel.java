package io.vigil.core.policy;

/**
 * The Linux timer wheel's expiry arithmetic (kernel/time/timer.c, {@code calc_wheel_index} and
 * {@code calc_index}), in jiffies: which level a timer lands on and at which jiffy its bucket fires.
 *
 * <p>A timer armed {@code delta} jiffies ahead of the wheel's clock goes to the first level {@code n} with
 * {@code delta < LVL_START(n + 1)}, {@code LVL_START(n) = 63 << 3(n - 1)} (63, 504, 4032, 32256, ... jiffies); its
 * bucket fires at {@code ((expires >> 3n) + 1) << 3n}: the next multiple of the level's granularity {@code 8^n}
 * strictly after {@code expires} rounded down, so 1 .. {@code 8^n} jiffies after {@code expires}, never before.
 * The wheel has 9 levels when HZ > 100, else 8; a timer beyond the last level's capacity is clamped to it.
 *
 * <p>Pure functions; thread-safe.
 */
final class KernelTimerWheel {

    private static final int LVL_CLK_SHIFT = 3;
    private static final int LVL_BITS = 6;
    private static final long LVL_SIZE = 1L << LVL_BITS;

    private KernelTimerWheel() {
    }

    /** {@code LVL_DEPTH}: 9 levels when HZ > 100, else 8. */
    static int depth(int hz) {
        return hz > 100 ? 9 : 8;
    }

    /** {@code LVL_START(n)}: the smallest delta, in jiffies, that goes to level {@code n >= 1}. */
    static long levelStart(int n) {
        return (LVL_SIZE - 1) << ((n - 1) * LVL_CLK_SHIFT);
    }

    /** The level of a timer armed {@code delta >= 0} jiffies ahead of the wheel clock. */
    static int level(long delta, int hz) {
        int last = depth(hz) - 1;
        for (int n = 0; n < last; n++) {
            if (delta < levelStart(n + 1)) {
                return n;
            }
        }
        return last;
    }

    /** The granularity of a level, in jiffies: {@code 8^level}. */
    static long granularity(int level) {
        return 1L << (level * LVL_CLK_SHIFT);
    }

    /**
     * The jiffy at which a timer fires, armed for {@code expires} while the wheel clock was {@code delta} jiffies
     * before it (the clock runs one jiffy ahead inside a timer callback, so a callback re-arming for {@code t}
     * jiffies has {@code delta = t - 1}).
     */
    static long fireJiffy(long expires, long delta, int hz) {
        int depth = depth(hz);
        long cutoff = levelStart(depth);
        long e = expires;
        if (delta >= cutoff) {
            long clk = expires - delta;
            e = clk + cutoff - granularity(depth - 1);
        }
        int shift = level(Math.min(delta, cutoff - 1), hz) * LVL_CLK_SHIFT;
        return ((e >> shift) + 1) << shift;
    }

    /** {@code msecs_to_jiffies}: milliseconds to jiffies, rounded up (include/linux/jiffies.h). */
    static long msecsToJiffies(long millis, int hz) {
        return Limits.ceilDiv(millis * hz, 1000);
    }
}
