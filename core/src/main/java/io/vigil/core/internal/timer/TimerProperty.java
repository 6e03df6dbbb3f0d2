package io.vigil.core.internal.timer;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@code io.vigil.timer.*} system properties: name, default, allowed range and unit of each, and their checked
 * parsing. A bad value is an {@link IllegalArgumentException} that names the property, the value, the allowed range
 * and the unit, never a silent default.
 *
 * <p><b>Thread safety:</b> immutable.
 */
enum TimerProperty {

    /** The tick. */
    TICK_MILLIS("io.vigil.timer.tickMillis", TimerWheelConfig.DEFAULT_TICK_MILLIS,
            TimerWheel.MIN_TICK_NANOS / 1_000_000L, TimerWheel.MAX_TICK_NANOS / 1_000_000L, "milliseconds"),
    /** Expiries per tick before the rest waits for the next tick. */
    MAX_EXPIRIES_PER_TICK("io.vigil.timer.maxExpiriesPerTick", TimerWheelConfig.DEFAULT_MAX_EXPIRIES_PER_TICK,
            1, Integer.MAX_VALUE, "expiries"),
    /** Time per tick spent on expiries before the rest waits for the next tick. */
    MAX_TICK_MICROS("io.vigil.timer.maxTickMicros", TimerWheelConfig.DEFAULT_MAX_TICK_MICROS,
            1, Long.MAX_VALUE / 1_000L, "microseconds");

    private final String key;
    private final long defaultValue;
    private final long min;
    private final long max;
    private final String unit;

    TimerProperty(String key, long defaultValue, long min, long max, String unit) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.unit = unit;
    }

    /**
     * Returns the property's name.
     *
     * @return e.g. {@code io.vigil.timer.tickMillis}
     */
    String key() {
        return key;
    }

    /**
     * Reads the property: its default when unset, else its value (surrounding blanks ignored) if a whole number in
     * range.
     *
     * @param lookup the property source, {@code System::getProperty} in production
     * @return the value, in the property's unit
     * @throws IllegalArgumentException naming the property, the value, the allowed range and the unit
     */
    long read(Function<String, @Nullable String> lookup) {
        String raw = lookup.apply(key);
        if (raw == null) {
            return defaultValue;
        }
        String text = raw.strip();
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            String problem = text.matches("[+-]?[0-9]+") ? "is out of range" : "is not a whole number";
            throw invalid(raw, problem);
        }
        if (value < min || value > max) {
            throw invalid(raw, "is out of range");
        }
        return value;
    }

    private IllegalArgumentException invalid(String raw, String problem) {
        return new IllegalArgumentException("system property " + key + " = \"" + raw + "\" " + problem + ": allowed "
                + min + " .. " + max + " " + unit + " (default " + defaultValue + "); fix the value or remove the "
                + "property, until then no Vigil handler can arm its keepalive timer");
    }
}
