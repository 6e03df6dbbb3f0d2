package io.vigil.core.internal.timer;

import org.jspecify.annotations.Nullable;

/**
 * Something a {@link TimerWheel} holds: the intrusive node of a timer. The subclass <em>is</em> the per-channel
 * state, so arming, re-arming and cancelling allocate nothing.
 *
 * <p>The owner sets {@link #deadline} and then calls {@link TimerScheduler#schedule(TimerEntry)}; the timer owns the
 * links. Internal use only.
 *
 * <p><b>Thread safety:</b> confined to the event loop of the timer that holds it.
 *
 * @since 0.1
 */
public abstract class TimerEntry {

    /** {@link #slot} of an entry that no timer holds. */
    static final int UNLINKED = -1;

    /**
     * When the entry is due, in the timer's clock (the event loop's ticker), nanoseconds. Written by the owner
     * before {@link TimerScheduler#schedule(TimerEntry)}; read by the timer.
     */
    protected long deadline;

    @Nullable TimerEntry prev;
    @Nullable TimerEntry next;
    /** Where the wheel holds the entry: a slot code of {@link TimerWheel}, or {@link #UNLINKED}. */
    int slot = UNLINKED;

    /** Creates an entry that no timer holds. */
    protected TimerEntry() {
    }

    /**
     * Called by the timer on its event loop once {@link #deadline} has passed. The entry is no longer scheduled
     * when this runs; it may schedule itself again.
     *
     * @param now the timer's clock at this tick, nanoseconds, never earlier than {@link #deadline}
     */
    protected abstract void onTimerExpired(long now);

    /**
     * Returns the deadline last set by the owner.
     *
     * @return nanoseconds in the timer's clock
     */
    public final long deadline() {
        return deadline;
    }

    /**
     * Tells whether a timer holds this entry.
     *
     * @return true if scheduled and not yet expired or cancelled
     */
    public final boolean isScheduled() {
        return slot != UNLINKED;
    }
}
