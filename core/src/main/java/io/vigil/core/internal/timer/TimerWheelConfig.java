package io.vigil.core.internal.timer;

import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link LoopTimer}: the tick of its {@link TimerWheel} and its per-tick {@link TickBudget}. Internal
 * use only.
 *
 * <p>The defaults come from system properties, read and checked by {@link #fromSystemProperties()} each time a
 * {@link LoopTimer} is made (so a bad value fails every first use with the same message, never an
 * {@link ExceptionInInitializerError}):
 * <ul>
 *   <li>{@code io.vigil.timer.tickMillis} — the tick, default {@value #DEFAULT_TICK_MILLIS} ms. A deadline fires at
 *       the first tick at or after it: at most one tick late (plus the event loop's delay), never early. Inbound
 *       traffic is stamped with the loop clock plus two ticks, an upper bound of its arrival, used where the
 *       transport has no kernel receipt time ({@code TCP_INFO}).</li>
 *   <li>{@code io.vigil.timer.maxExpiriesPerTick} — expiries handled in one tick before the rest waits for the
 *       next, default {@value #DEFAULT_MAX_EXPIRIES_PER_TICK}.</li>
 *   <li>{@code io.vigil.timer.maxTickMicros} — time one tick may spend on expiries before the rest waits for the
 *       next, default {@value #DEFAULT_MAX_TICK_MICROS} µs, which keeps every loop iteration under 5 ms.</li>
 * </ul>
 *
 * @param tickNanos the granularity, 1 ms .. 1 s, nanoseconds
 * @param maxExpiriesPerTick expiries per tick before carrying over, at least 1
 * @param maxTickNanos time per tick spent on expiries before carrying over, at least 1 µs, nanoseconds
 * @since 0.1
 */
public record TimerWheelConfig(long tickNanos, int maxExpiriesPerTick, long maxTickNanos) {

    /** Default tick: {@value} ms. */
    public static final long DEFAULT_TICK_MILLIS = 10;
    /** Default expiry budget per tick: {@value}. */
    public static final int DEFAULT_MAX_EXPIRIES_PER_TICK = 65_536;
    /** Default time budget per tick: {@value} µs. */
    public static final long DEFAULT_MAX_TICK_MICROS = 4_000;

    /**
     * Checks the ranges.
     *
     * @param tickNanos the granularity, 1 ms .. 1 s, nanoseconds
     * @param maxExpiriesPerTick expiries per tick before carrying over, at least 1
     * @param maxTickNanos time per tick spent on expiries before carrying over, at least 1 µs, nanoseconds
     * @throws IllegalArgumentException naming the setting, the value, the range and the unit
     */
    public TimerWheelConfig {
        if (tickNanos < TimerWheel.MIN_TICK_NANOS || tickNanos > TimerWheel.MAX_TICK_NANOS) {
            throw new IllegalArgumentException("tick = " + tickNanos + " ns is out of range: allowed 1 ms .. 1 s");
        }
        if (maxExpiriesPerTick < 1) {
            throw new IllegalArgumentException(
                    "maxExpiriesPerTick = " + maxExpiriesPerTick + " is out of range: allowed 1 .. 2147483647");
        }
        if (maxTickNanos < 1_000L) {
            throw new IllegalArgumentException("maxTick = " + maxTickNanos + " ns is out of range: allowed >= 1 us");
        }
    }

    /**
     * Reads and checks the system properties now (unset ones take their defaults).
     *
     * @return the settings
     * @throws IllegalArgumentException if a property is not a whole number in its range; the message names the
     *         property, the value, the allowed range and the unit
     */
    public static TimerWheelConfig fromSystemProperties() {
        return fromProperties(System::getProperty);
    }

    /**
     * Reads and checks the properties of {@code lookup} (unset ones take their defaults).
     *
     * @param lookup the property source
     * @return the settings
     * @throws IllegalArgumentException if a property is not a whole number in its range
     */
    static TimerWheelConfig fromProperties(Function<String, @Nullable String> lookup) {
        long tickMillis = TimerProperty.TICK_MILLIS.read(lookup);
        long maxExpiries = TimerProperty.MAX_EXPIRIES_PER_TICK.read(lookup);
        long maxTickMicros = TimerProperty.MAX_TICK_MICROS.read(lookup);
        return new TimerWheelConfig(tickMillis * 1_000_000L, (int) maxExpiries, maxTickMicros * 1_000L);
    }

    /**
     * Returns the per-tick budget of these settings, its time measured on {@code clock}.
     *
     * @param clock the clock of the wheel's caller
     * @return the budget
     */
    public TickBudget budget(Ticker clock) {
        return new TickBudget(maxExpiriesPerTick, maxTickNanos, clock);
    }

    /**
     * Returns these settings with another tick.
     *
     * @param tick 1 ms .. 1 s
     * @return new settings
     */
    public TimerWheelConfig withTick(Duration tick) {
        Objects.requireNonNull(tick, "tick");
        return new TimerWheelConfig(tick.toNanos(), maxExpiriesPerTick, maxTickNanos);
    }

    /**
     * Returns these settings with another expiry budget per tick.
     *
     * @param max at least 1
     * @return new settings
     */
    public TimerWheelConfig withMaxExpiriesPerTick(int max) {
        return new TimerWheelConfig(tickNanos, max, maxTickNanos);
    }

    /**
     * Returns these settings with another time budget per tick.
     *
     * @param max at least 1 µs
     * @return new settings
     */
    public TimerWheelConfig withMaxTick(Duration max) {
        Objects.requireNonNull(max, "max");
        return new TimerWheelConfig(tickNanos, maxExpiriesPerTick, max.toNanos());
    }
}
