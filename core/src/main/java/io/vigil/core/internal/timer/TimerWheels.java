package io.vigil.core.internal.timer;

import io.netty.util.concurrent.EventExecutor;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Finds the one {@link LoopTimer} of an event loop. Internal use only.
 *
 * <p>A timer is made when the first Vigil handler of a loop arms a timer, and forgotten as soon as its wheel is
 * empty (the last channel of the loop closed, or the loop shut down and closed its channels), so the registry never
 * holds a loop that has no armed Vigil channel.
 *
 * <p>Timers are made with {@link #config()}: the {@code io.vigil.timer.*} system properties, read and checked each
 * time a timer is made, so a bad value fails every first use with an {@link IllegalArgumentException} naming the
 * property, the value, the allowed range and the unit (see {@link TimerWheelConfig#fromSystemProperties()}).
 *
 * <p><b>Thread safety:</b> thread-safe; {@link #forExecutor(EventExecutor)} is called on the loop in question.
 *
 * @since 0.1
 */
public final class TimerWheels {

    private static final ConcurrentMap<EventExecutor, LoopTimer> TIMERS = new ConcurrentHashMap<>();
    /** Settings set by {@link #configure}, or null to read the system properties. */
    private static volatile @Nullable TimerWheelConfig configured;

    private TimerWheels() {
    }

    /**
     * Returns the timer of the given event loop, making it if needed. Must be called on that loop.
     *
     * @param executor the channel's event loop
     * @return its timer
     * @throws IllegalArgumentException if a timer must be made and an {@code io.vigil.timer.*} system property is
     *         invalid; the message names the property, the value, the allowed range and the unit
     */
    public static LoopTimer forExecutor(EventExecutor executor) {
        Objects.requireNonNull(executor, "executor");
        assert executor.inEventLoop();
        LoopTimer timer = TIMERS.get(executor);
        if (timer == null) {
            // Outside computeIfAbsent: a bad property throws here, and the map stays as it was.
            TimerWheelConfig config = config();
            timer = TIMERS.computeIfAbsent(executor, e -> new LoopTimer(e, config, TIMERS));
        }
        return timer;
    }

    /**
     * Tells whether the given loop has a timer: true while any Vigil timer is armed on it.
     *
     * @param executor the event loop
     * @return true if a timer is registered for it
     */
    public static boolean hasWheel(EventExecutor executor) {
        return TIMERS.containsKey(executor);
    }

    /**
     * Returns the settings used for timers made from now on: those set by {@link #configure}, or else the system
     * properties, read and checked now.
     *
     * @return the settings
     * @throws IllegalArgumentException if an {@code io.vigil.timer.*} system property is invalid
     */
    public static TimerWheelConfig config() {
        TimerWheelConfig c = configured;
        return c != null ? c : TimerWheelConfig.fromSystemProperties();
    }

    /**
     * Sets the settings used for timers made from now on; timers that exist keep theirs. For tests and benchmarks,
     * before channels are made.
     *
     * @param newConfig the settings, or null to go back to the system properties
     */
    public static void configure(@Nullable TimerWheelConfig newConfig) {
        configured = newConfig;
    }
}
