package io.vigil.core.internal.timer;

import io.netty.util.concurrent.Ticker;
import java.util.Objects;

/**
 * How much work one {@link TimerWheel#advance(long, TickBudget)} call may do before it leaves the rest for the next
 * call: at most {@code maxExpiries} expiries, and at most {@code maxNanos} of {@code clock} time spent on expiries
 * and cascades together (the clock is read once every 16 work items, so a call overruns by at most that much work).
 * Internal use only.
 *
 * <p><b>Thread safety:</b> immutable; the clock is read on the thread that advances the wheel.
 *
 * @param maxExpiries expiries per call, at least 1
 * @param maxNanos time per call, counted from the {@code now} passed to {@code advance}, at least 1, nanoseconds
 * @param clock the clock that measures the time spent, the same one {@code now} comes from
 * @since 0.1
 */
public record TickBudget(int maxExpiries, long maxNanos, Ticker clock) {

    /**
     * Checks the values.
     *
     * @param maxExpiries expiries per call, at least 1
     * @param maxNanos time per call, at least 1, nanoseconds
     * @param clock the clock that measures the time spent
     * @throws IllegalArgumentException naming the setting, the value and the allowed range
     */
    public TickBudget {
        if (maxExpiries < 1) {
            throw new IllegalArgumentException("maxExpiries = " + maxExpiries + " is out of range: allowed >= 1");
        }
        if (maxNanos < 1) {
            throw new IllegalArgumentException("maxNanos = " + maxNanos + " ns is out of range: allowed >= 1 ns");
        }
        Objects.requireNonNull(clock, "clock");
    }
}
