package io.vigil.core.internal.timer;

/**
 * The timer behind {@code KeepAliveHandler}: one per event loop, shared by every Vigil handler on it. Internal use
 * only; {@link TimerWheel} is the implementation.
 *
 * <p>Time comes from the event loop's {@link io.netty.util.concurrent.Ticker}, so a {@code MockTicker} drives it in
 * tests. Deadlines compare by subtraction and are never early.
 *
 * <p><b>Thread safety:</b> every method must be called on the timer's event loop.
 *
 * @since 0.1
 */
public interface HealthTimer {

    /**
     * Arms the entry at its {@link TimerEntry#deadline}, or moves it there if already armed. O(1), allocation-free;
     * does nothing when the new deadline falls into the slot the entry is already in.
     *
     * @param entry the entry to arm
     */
    void schedule(TimerEntry entry);

    /**
     * Disarms the entry; does nothing if it is not armed. O(1), allocation-free.
     *
     * @param entry the entry to disarm
     */
    void cancel(TimerEntry entry);

    /**
     * Returns the loop's cached time: the ticker's time at the latest tick, or later.
     *
     * @return nanoseconds, in the ticker's clock
     */
    long now();

    /**
     * Returns the time to stamp on inbound traffic seen now, with no clock read: the cached time plus a margin that
     * makes the stamp no earlier than the traffic's arrival while the loop is not lagging by more than one tick,
     * and at most {@link #stampMarginNanos()} later.
     *
     * @return nanoseconds, in the ticker's clock
     */
    long stamp();

    /**
     * Returns how far {@link #stamp()} may run ahead of the true arrival time.
     *
     * @return nanoseconds
     */
    long stampMarginNanos();

    /**
     * Returns the timer's granularity: a deadline fires at the first tick at or after it, so at most this late.
     *
     * @return nanoseconds
     */
    long tickNanos();

    /**
     * Reads the ticker now and advances the cached time to it. For cold paths that need an exact time (activation,
     * probe round-trip times); never call it per message.
     *
     * @return the ticker's time, nanoseconds
     */
    long preciseNow();
}
