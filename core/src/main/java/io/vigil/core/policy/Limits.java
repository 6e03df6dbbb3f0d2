package io.vigil.core.policy;

import java.time.Duration;
import java.util.Objects;

/** Ranges, range checks with self-explaining messages, and the kernel's verdict formula. */
final class Limits {

    /** The kernel's upper bound for {@code TCP_KEEPIDLE} and {@code TCP_KEEPINTVL}, in seconds. */
    static final int MAX_KERNEL_SECONDS = 32767;
    /** The kernel's upper bound for {@code TCP_KEEPCNT}. */
    static final int MAX_PROBES = 127;

    static final long NANOS_PER_MILLI = 1_000_000L;
    static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Limits() {
    }

    static void checkRange(String name, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " = " + value + " " + unit + " is out of range: allowed " + min + " .. " + max + " " + unit);
        }
    }

    /** Checks a duration against [min, max] and returns it in nanoseconds. */
    static long checkDuration(String name, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " = " + format(value) + " is out of range: allowed "
                    + format(min) + " .. " + format(max));
        }
        return value.toNanos();
    }

    /** Formats a duration: {@link DurationFormat#format(Duration)}. */
    static String format(Duration d) {
        return DurationFormat.format(d);
    }

    /** Formats nanoseconds as milliseconds with three decimals: {@code 9076.000 ms}. */
    static String formatMillis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    static String formatNanos(long nanos) {
        return DurationFormat.formatNanos(nanos);
    }

    /**
     * The kernel's verdict time for a silent peer, measured from the last inbound segment:
     * {@code idle + probes × interval} without a user timeout, otherwise the first {@code idle + k × interval}
     * with {@code k >= 1} that is at or after the user timeout. Any unit, as long as all four share it.
     */
    static long silentPeerVerdict(long idle, long interval, int probes, long userTimeout) {
        if (userTimeout == 0) {
            return idle + probes * interval;
        }
        long k = Math.max(1, ceilDiv(userTimeout - idle, interval));
        return idle + k * interval;
    }

    /** The number of probes the kernel sends to a silent peer before it gives up. */
    static long silentPeerProbes(long idle, long interval, int probes, long userTimeout) {
        if (userTimeout == 0) {
            return probes;
        }
        return Math.max(1, ceilDiv(userTimeout - idle, interval));
    }

    static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }
}
