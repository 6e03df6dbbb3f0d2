package io.vigil.core.internal.timer;

/**
 * The timer behind {@code KeepAliveHandler}: one per event loop, shared by every Vigil handler on it. Internal use
 * only; {@link LoopTimer} is the implementation, {@link TimerWheels#forExecutor} finds it.
 *
 * <p>{@link #schedule(TimerEntry)} and {@link #cancel(TimerEntry)} arm and disarm a channel's entry in O(1) with no
 * allocation; the rest serves the loop's cached clock.
 *
 * <p>Time comes from the event loop's {@link io.netty.util.concurrent.Ticker}, so a {@code MockTicker} drives it in
 * tests. Deadlines compare by subtraction and are never early.
 *
 * <p><b>Thread safety:</b> every method must be called on the timer's event loop.
 *
 * @since 0.1
 */
public interface HealthTimer extends TimerScheduler {

    /**
     * Returns the time to stamp on inbound traffic seen now, with no clock read: the cached time plus a margin that
     * makes the stamp no earlier than the traffic's arrival while the loop is not lagging by more than one tick,
     * and at most {@link #stampMarginNanos()} later.
     *
     * @return nanoseconds, in the ticker's clock
     */
    long stamp();

    /**
     * Returns an upper bound of the arrival time of traffic stamped {@code stamp}, even if the loop stalled after
     * taking it: a stamp handed out while the cached clock was stale (the loop stalled, so the cache fell more than
     * the stamp margin behind) is raised to the time the loop read when it caught up. Otherwise the stamp itself.
     * Cold path: for ticks and verdicts, never per message.
     *
     * @param stamp a value {@link #stamp()} returned
     * @return the stamp, or the later bound if it was handed out during a stall
     */
    long upperBound(long stamp);

    /**
     * Returns how long the loop stalled at most (fell behind while ticking, by more than the stamp margin), among
     * the stalls that ended after a given time and are still remembered.
     *
     * @param time nanoseconds, in the ticker's clock
     * @return the longest such stall, nanoseconds; 0 if none
     */
    long longestStallEndingAfter(long time);

    /**
     * Returns how long the loop had stalled just before traffic was stamped {@code stamp}: the longest remembered
     * stall that ended at most the stamp margin before it (a stamp handed out during the stall and raised by
     * {@link #upperBound(long)} to its end, or one handed out right after it, when the loop read what had waited in
     * the socket meanwhile). Such traffic arrived up to this much, plus the stamp margin, before the stamp. Cold
     * path.
     *
     * @param stamp a value {@link #upperBound(long)} returned
     * @return the stall's length, nanoseconds; 0 if none
     */
    long stallBefore(long stamp);

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
