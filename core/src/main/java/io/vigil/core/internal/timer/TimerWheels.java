package io.vigil.core.internal.timer;

import io.netty.util.concurrent.EventExecutor;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Finds the one {@link TimerWheel} of an event loop. Internal use only.
 *
 * <p>A wheel is made when the first Vigil handler of a loop arms a timer, and forgotten as soon as it is empty
 * (the last channel of the loop closed, or the loop shut down and closed its channels), so the registry never
 * holds a loop that has no armed Vigil channel.
 *
 * <p><b>Thread safety:</b> thread-safe; {@link #forExecutor(EventExecutor)} is called on the loop in question.
 *
 * @since 0.1
 */
public final class TimerWheels {

    private static final ConcurrentMap<EventExecutor, TimerWheel> WHEELS = new ConcurrentHashMap<>();
    private static volatile TimerWheelConfig config = TimerWheelConfig.fromSystemProperties();

    private static final TimerWheel.Listener REGISTRATION = new TimerWheel.Listener() {
        @Override
        public void onTicking(TimerWheel wheel) {
            WHEELS.putIfAbsent(wheel.executor(), wheel);
        }

        @Override
        public void onIdle(TimerWheel wheel) {
            WHEELS.remove(wheel.executor(), wheel);
        }
    };

    private TimerWheels() {
    }

    /**
     * Returns the wheel of the given event loop, making it if needed. Must be called on that loop.
     *
     * @param executor the channel's event loop
     * @return its wheel
     */
    public static TimerWheel forExecutor(EventExecutor executor) {
        Objects.requireNonNull(executor, "executor");
        assert executor.inEventLoop();
        TimerWheel wheel = WHEELS.get(executor);
        if (wheel == null) {
            wheel = WHEELS.computeIfAbsent(executor, e -> new TimerWheel(e, e.ticker(), config, REGISTRATION));
        }
        return wheel;
    }

    /**
     * Tells whether the given loop has a wheel: true while any Vigil timer is armed on it.
     *
     * @param executor the event loop
     * @return true if a wheel is registered for it
     */
    public static boolean hasWheel(EventExecutor executor) {
        return WHEELS.containsKey(executor);
    }

    /**
     * Returns the settings used for wheels made from now on.
     *
     * @return the settings
     */
    public static TimerWheelConfig config() {
        return config;
    }

    /**
     * Sets the settings used for wheels made from now on; wheels that exist keep theirs. Meant to be called once
     * at start-up (or by tests), before channels are made.
     *
     * @param newConfig the settings
     */
    public static void configure(TimerWheelConfig newConfig) {
        config = Objects.requireNonNull(newConfig, "newConfig");
    }
}
