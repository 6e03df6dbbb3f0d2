package io.vigil.core.internal.timer;

/**
 * Arms, moves and disarms {@link TimerEntry} objects: what a {@link TimerWheel} and the {@link HealthTimer} that
 * drives one on an event loop ({@link LoopTimer}) have in common. Internal use only.
 *
 * <p><b>Thread safety:</b> not thread-safe; the owner's thread rules apply (a {@link LoopTimer} is confined to its
 * event loop, a bare {@link TimerWheel} to whoever drives it).
 *
 * @since 0.1
 */
public interface TimerScheduler {

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
}
