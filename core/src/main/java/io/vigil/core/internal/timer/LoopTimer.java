package io.vigil.core.internal.timer;

import io.netty.channel.IoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The timer of one event loop: drives a {@link TimerWheel} with one fixed-rate task on the loop, and is the
 * {@link HealthTimer} every Vigil handler on that loop uses. Internal use only; {@link TimerWheels#forExecutor}
 * finds (or makes) the one of a loop.
 *
 * <p>What it owns, and the wheel does not:
 * <ul>
 *   <li><b>Wake and sleep.</b> The tick task runs only while the wheel holds entries: the first
 *       {@link #schedule} of an empty timer starts it (catching the wheel's tick up to now first, in O(1)), and it
 *       stops once the wheel is empty, after a tick or a {@link #cancel}. A loop with no armed Vigil channel pays
 *       nothing.</li>
 *   <li><b>Who starts each tick.</b> On NIO loops (on the system ticker) the shared {@link TickDriver} thread hands
 *       the tick task to the loop with {@code execute} every tick: a task scheduled on an NIO loop makes it poll
 *       through the last half millisecond before each deadline (see {@link TickDriver}). Elsewhere (epoll,
 *       io_uring, and any loop on another ticker, such as {@code EmbeddedChannel}'s mock time) the loop runs it as a
 *       fixed-rate scheduled task. Either way the tick runs on the loop; a late one (loop or driver stalled) is seen
 *       as a stall by the cached clock below.</li>
 *   <li><b>The cached clock.</b> Each tick reads the loop's {@link Ticker} once; {@link #stamp()} and
 *       {@link #now()} serve that time with no clock read. {@link #preciseNow()} reads the ticker on demand.</li>
 *   <li><b>The per-tick budget.</b> Each tick advances the wheel with the {@link TickBudget} of its
 *       {@link TimerWheelConfig}; what a tick leaves over waits in the wheel for the next tick, and the task keeps
 *       running while it does.</li>
 *   <li><b>Registration.</b> While ticking, it is the registry's timer for its loop; once it sleeps (or its loop
 *       cancels the tick task while shutting down) the registry forgets it, so the registry never holds a loop that
 *       has no armed Vigil channel.</li>
 * </ul>
 *
 * <p><b>Precision:</b> a deadline fires at the first tick at or after it (never early, at most one tick late while
 * the loop runs the tick on time and no budget is exhausted; see {@link TimerWheel}). Every entry expired in one
 * tick is called with that tick's time.
 *
 * <p><b>Thread safety:</b> confined to its event loop; every method must be called there.
 *
 * @since 0.1
 */
public final class LoopTimer implements HealthTimer {

    /** How many stalls {@link #upperBound(long)} remembers. */
    static final int STALLS_KEPT = 16;

    private final EventExecutor executor;
    private final Ticker ticker;
    private final TimerWheel wheel;
    private final TickBudget budget;
    private final long stampMarginNanos;
    /** Where this timer is registered while it ticks, keyed by {@link #executor}. */
    private final ConcurrentMap<EventExecutor, LoopTimer> registry;

    private long now;
    private long stamp;
    /**
     * The stamps handed out with a stale cached clock (a refresh found the clock more than the stamp margin ahead of
     * the cache: the loop stalled while ticking) and the time that refresh read, which bounds the true arrival of
     * everything stamped with them. The last {@value #STALLS_KEPT}.
     */
    private final long[] staleStamps = new long[STALLS_KEPT];
    private final long[] staleBounds = new long[STALLS_KEPT];
    private final long[] stallLengths = new long[STALLS_KEPT];
    private int stalls;

    /** Scheduled ticks: the tick task while ticking, on loops other than NIO. */
    private @Nullable ScheduledFuture<?> tickFuture;
    private final Runnable tickTask = this::tick;
    /** Notices the loop cancelling the tick task (it is shutting down) and lets the timer go. */
    private final GenericFutureListener<Future<Object>> tickStopped = this::tickStopped;
    /** Handed-over ticks (NIO loops): the driver, and the ticket of this stretch of ticking. */
    private final @Nullable TickDriver driver;
    private TickDriver.@Nullable Ticket ticket;
    /** Lets the timer go when its loop shuts down (handed-over ticks have no future for the loop to cancel). */
    private final Runnable loopShutdown = this::loopShutdown;

    /**
     * Creates a sleeping timer for {@code executor}, driven by its ticker.
     *
     * @param executor the event loop; every call must come from it
     * @param config the tick and the per-tick budget
     * @param registry where the timer puts itself while it ticks and removes itself when it sleeps
     */
    LoopTimer(EventExecutor executor, TimerWheelConfig config, ConcurrentMap<EventExecutor, LoopTimer> registry) {
        this(executor, config, registry, handsOverTicks(executor) ? TickDriver.SHARED : null);
    }

    /**
     * Creates a sleeping timer for {@code executor} whose ticks are handed over by {@code driver}, or scheduled on
     * the loop if it is null.
     *
     * @param executor the event loop; every call must come from it
     * @param config the tick and the per-tick budget
     * @param registry where the timer puts itself while it ticks and removes itself when it sleeps
     * @param driver the driver of its ticks, or null to schedule them; a driver needs a
     *        {@link SingleThreadEventExecutor} on the system ticker
     */
    LoopTimer(EventExecutor executor, TimerWheelConfig config, ConcurrentMap<EventExecutor, LoopTimer> registry,
            @Nullable TickDriver driver) {
        if (driver != null && !(executor instanceof SingleThreadEventExecutor
                && executor.ticker() == Ticker.systemTicker())) {
            throw new IllegalArgumentException("handed-over ticks need a single-thread loop on the system ticker: "
                    + executor);
        }
        this.driver = driver;
        this.executor = executor;
        this.ticker = executor.ticker();
        this.registry = registry;
        this.budget = config.budget(ticker);
        this.stampMarginNanos = 2 * config.tickNanos();
        long origin = ticker.nanoTime();
        this.wheel = new TimerWheel(config.tickNanos(), origin);
        this.now = origin;
        this.stamp = origin + stampMarginNanos;
    }

    @Override
    public void schedule(TimerEntry entry) {
        assert executor.inEventLoop();
        if (!isTicking()) {
            wake();
        }
        wheel.schedule(entry);
    }

    @Override
    public void cancel(TimerEntry entry) {
        assert executor.inEventLoop();
        if (!entry.isScheduled()) {
            return;
        }
        wheel.cancel(entry);
        if (wheel.isEmpty()) {
            sleep();
        }
    }

    /**
     * Returns the loop's cached time: the ticker's time at the latest tick (or {@link #preciseNow()}), or later.
     * No clock read.
     *
     * @return nanoseconds, in the ticker's clock
     */
    public long now() {
        return now;
    }

    @Override
    public long stamp() {
        return stamp;
    }

    @Override
    public long stampMarginNanos() {
        return stampMarginNanos;
    }

    @Override
    public long tickNanos() {
        return wheel.tickNanos();
    }

    @Override
    public long preciseNow() {
        refresh(ticker.nanoTime());
        return now;
    }

    /**
     * Returns the event loop that drives this timer.
     *
     * @return the executor
     */
    public EventExecutor executor() {
        return executor;
    }

    /**
     * Returns how many entries the wheel holds.
     *
     * @return the number of scheduled entries
     */
    public int size() {
        return wheel.size();
    }

    /**
     * Tells whether the tick task is scheduled.
     *
     * @return true while ticking
     */
    public boolean isTicking() {
        return tickFuture != null || ticket != null;
    }

    /**
     * Tells whether this timer's ticks are handed over to its loop by a {@link TickDriver} thread (NIO loops)
     * rather than scheduled on the loop.
     *
     * @return true on NIO loops on the system ticker
     */
    public boolean handsOverTicks() {
        return driver != null;
    }

    /**
     * Tells whether ticks of a loop are handed over by the shared {@link TickDriver}: NIO loops on the system
     * ticker, whose select rounds scheduled deadlines to whole milliseconds.
     */
    static boolean handsOverTicks(EventExecutor executor) {
        return executor instanceof SingleThreadEventExecutor && executor instanceof IoEventLoop
                && ((IoEventLoop) executor).isIoType(NioIoHandler.class)
                && executor.ticker() == Ticker.systemTicker();
    }

    /** The ticket of the current stretch of handed-over ticks, for tests. */
    TickDriver.@Nullable Ticket ticket() {
        return ticket;
    }

    /**
     * Returns how many entries have expired since the timer was made.
     *
     * @return the count
     */
    public long expiredTotal() {
        return wheel.expiredTotal();
    }

    /**
     * Returns how many ticks ended with expiries carried over to the next.
     *
     * @return the count
     */
    public long carryOvers() {
        return wheel.carryOvers();
    }

    /** The tick task: reads the clock once, advances the wheel within the budget, sleeps once the wheel is empty. */
    private void tick() {
        refresh(ticker.nanoTime());
        wheel.advance(now, budget);
        if (wheel.isEmpty()) {
            sleep();
        }
    }

    /** A handed-over tick: runs unless its ticket is of an earlier stretch of ticking. */
    private void tick(TickDriver.Ticket from) {
        if (from == ticket) {
            tick();
        }
    }

    /** The tick task ended without {@link #sleep()}: its loop cancelled it while shutting down. */
    private void tickStopped(Future<Object> future) {
        if (future == tickFuture) {
            tickFuture = null;
            registry.remove(executor, this);
        }
    }

    /** The loop runs its shutdown hooks: handed-over ticks stop and the registry lets the timer go. */
    private void loopShutdown() {
        TickDriver.Ticket t = ticket;
        if (t != null && driver != null) {
            driver.stop(t);
            ticket = null;
            registry.remove(executor, this);
        }
    }

    private void refresh(long nowNanos) {
        if (nowNanos - now > 0) {
            if (nowNanos - now > stampMarginNanos && isTicking()) {
                // The loop stalled while ticking: everything stamped since the last refresh arrived by nowNanos at
                // the latest, not by the stale stamp.
                int i = stalls++ % STALLS_KEPT;
                staleStamps[i] = stamp;
                staleBounds[i] = nowNanos;
                stallLengths[i] = nowNanos - now;
            }
            now = nowNanos;
            stamp = nowNanos + stampMarginNanos;
        }
    }

    @Override
    public long upperBound(long stamp) {
        for (int i = 0, n = Math.min(stalls, STALLS_KEPT); i < n; i++) {
            if (staleStamps[i] == stamp && staleBounds[i] - stamp > 0) {
                return staleBounds[i];
            }
        }
        return stamp;
    }

    @Override
    public long stallBefore(long stamp) {
        long longest = 0;
        for (int i = 0, n = Math.min(stalls, STALLS_KEPT); i < n; i++) {
            long after = stamp - staleBounds[i];
            if (after >= 0 && after <= stampMarginNanos && stallLengths[i] > longest) {
                longest = stallLengths[i];
            }
        }
        return longest;
    }

    @Override
    public long longestStallEndingAfter(long time) {
        long longest = 0;
        for (int i = 0, n = Math.min(stalls, STALLS_KEPT); i < n; i++) {
            if (staleBounds[i] - time > 0 && stallLengths[i] > longest) {
                longest = stallLengths[i];
            }
        }
        return longest;
    }

    /**
     * Starts the tick task. After the wheel was empty, first catches its tick up to now without expiring anything
     * (an empty wheel has nothing to expire); a wheel whose task was cancelled by its loop keeps its entries as
     * they are.
     */
    @SuppressWarnings("unchecked")
    private void wake() {
        if (wheel.isEmpty()) {
            refresh(ticker.nanoTime());
            wheel.advance(now, budget);
        }
        TickDriver d = driver;
        if (d != null) {
            TickDriver.Ticket t = new TickDriver.Ticket(executor, tickNanos(), this::tick,
                    () -> registry.remove(executor, this));
            ticket = t;
            ((SingleThreadEventExecutor) executor).addShutdownHook(loopShutdown);
            d.start(t);
        } else {
            ScheduledFuture<?> f = executor.scheduleAtFixedRate(tickTask, tickNanos(), tickNanos(),
                    TimeUnit.NANOSECONDS);
            tickFuture = f;
            ((ScheduledFuture<Object>) f).addListener(tickStopped);
        }
        registry.putIfAbsent(executor, this);
    }

    /** Stops the tick task once the wheel is empty. */
    private void sleep() {
        ScheduledFuture<?> f = tickFuture;
        if (f != null) {
            tickFuture = null;
            f.cancel(false);
        }
        TickDriver.Ticket t = ticket;
        if (t != null && driver != null) {
            ticket = null;
            driver.stop(t);
            ((SingleThreadEventExecutor) executor).removeShutdownHook(loopShutdown);
        }
        if (f != null || t != null) {
            registry.remove(executor, this);
        }
    }

    @Override
    public String toString() {
        return "LoopTimer(" + wheel + (isTicking() ? ", ticking" : ", asleep")
                + (driver != null ? ", ticks handed over" : "") + ")";
    }
}
