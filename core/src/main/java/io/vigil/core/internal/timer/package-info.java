/**
 * Internal use only: the per-event-loop timer behind {@code KeepAliveHandler}. Nothing here is public API.
 *
 * <p>Types here are public so that Vigil's own packages (and its benchmarks) can use them, following grpc's
 * {@code io.grpc.internal} convention; they may change or disappear in any release without notice. Applications
 * must not use them.
 *
 * <ul>
 *   <li>{@link io.vigil.core.internal.timer.TimerWheel}: the data structure. A hierarchical timing wheel of
 *       {@link io.vigil.core.internal.timer.TimerEntry} objects with {@code schedule} / {@code cancel} /
 *       {@code advance(now, budget)}; it has no clock, executor or task of its own (like Agrona's
 *       {@code DeadlineTimerWheel}).</li>
 *   <li>{@link io.vigil.core.internal.timer.LoopTimer}: the driver of one wheel on one event loop, and the
 *       {@link io.vigil.core.internal.timer.HealthTimer} the handler uses: it owns the scheduled tick task (running
 *       only while the wheel holds entries), the cached clock and the per-tick budget.</li>
 *   <li>{@link io.vigil.core.internal.timer.TimerWheels}: the registry, one {@code LoopTimer} per event loop.</li>
 *   <li>{@link io.vigil.core.internal.timer.TimerWheelConfig}: the tick and the budget, from the
 *       {@code io.vigil.timer.*} system properties (checked at first use) or set explicitly.</li>
 * </ul>
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.internal.timer;

import org.jspecify.annotations.NullMarked;
