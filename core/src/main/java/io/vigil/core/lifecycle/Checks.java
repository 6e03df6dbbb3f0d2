package io.vigil.core.lifecycle;

import io.vigil.core.policy.DurationFormat;
import java.time.Duration;
import java.util.Objects;

/** Validation with the house's message shape: name, value, allowed range, unit. */
final class Checks {

    private Checks() {
    }

    /** Checks {@code 0} or {@code min .. max}; returns nanoseconds. */
    static long zeroOrBetween(String name, Duration value, Duration min, Duration max, String zeroMeans) {
        Objects.requireNonNull(value, name);
        if (value.isZero()) {
            return 0;
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " : " + format(value) + " (expected: 0 (" + zeroMeans + ") or "
                    + format(min) + " .. " + format(max) + ")");
        }
        return value.toNanos();
    }

    static int between(String name, int value, int min, int max, String unit) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " : " + value + " " + unit + " (expected: " + min + " .. " + max
                    + " " + unit + ")");
        }
        return value;
    }

    static String format(Duration d) {
        return DurationFormat.format(d);
    }
}
