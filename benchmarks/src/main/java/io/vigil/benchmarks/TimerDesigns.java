package io.vigil.benchmarks;

import io.netty.channel.ManualIoEventLoop;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.vigil.core.internal.timer.LoopTimer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.DeadlineTimerWheel;
import org.jspecify.annotations.Nullable;

/**
 * The timer designs the pure timer benchmarks compare, behind one small interface, each holding {@code n} per-channel
 * timers addressed by index:
 * <ul>
 *   <li>{@code heap}: Netty's event-loop scheduler ({@code EventLoop.schedule} + {@code future.cancel}, a binary heap
 *       of {@code ScheduledFutureTask}s, 64 B per arm): what IdleStateHandler's timers use <i>when they fire</i>. It
 *       is not what IdleStateHandler does per read (see {@code ish-read});</li>
 *   <li>{@code hwt}: Netty's {@link HashedWheelTimer} (tick 10 ms, 512 buckets), caller-side cost: {@code newTimeout}
 *       and {@code cancel} enqueue to its worker thread, which links and unlinks on its own thread (on a second core,
 *       not counted in the score but competing for the machine);</li>
 *   <li>{@code agrona}: Agrona's {@link DeadlineTimerWheel} (single-level, tick 2<sup>23</sup> ns ≈ 8.4 ms,
 *       512 ticks, driven by the benchmark's clock): {@code cancelTimer(id)} + {@code scheduleTimer(deadline)};</li>
 *   <li>{@code vigil}: Vigil's intrusive hierarchical wheel on the loop ({@link LoopTimer}): the entry is moved.</li>
 * </ul>
 *
 * <p><b>Thread safety:</b> confined to the benchmark thread (HashedWheelTimer's worker is its own).
 *
 * @since 0.1
 */
public abstract class TimerDesigns {

    /** The design names, in report order. */
    public static final String[] NAMES = {"heap", "hwt", "agrona", "vigil"};

    /**
     * Arms (or re-arms) timer {@code i}.
     *
     * @param i the channel
     * @param delayNanos from now
     */
    public abstract void arm(int i, long delayNanos);

    /**
     * Cancels timer {@code i} if armed.
     *
     * @param i the channel
     */
    public abstract void cancel(int i);

    /**
     * Sets the successors of every channel for the dependent (latency-bound) variant, where one exists.
     *
     * @param successor channel i's successor in a single random cycle
     * @param second channel i's successor in a second, independent random cycle
     * @return false if the design has no per-channel state object to hold the links
     */
    public boolean link(int[] successor, int[] second) {
        return false;
    }

    /**
     * Reads channel {@code i}'s successor from its state object (after an operation on it, so the next operation's
     * address depends on this one's state: one dependent operation at a time).
     *
     * @param i the channel
     * @param inSecond true to follow the second cycle
     * @return its successor
     */
    public int next(int i, boolean inSecond) {
        throw new UnsupportedOperationException("no per-channel state object");
    }

    /**
     * Checks that the design's timers really fire: a short timer on a spare index fires within a bound.
     *
     * @param spare an index not otherwise used
     * @return true if it fired
     */
    public abstract boolean firesShortTimer(int spare);

    /** Releases threads; idempotent. */
    public void close() {
    }

    /**
     * Creates {@code n} (+ 1 spare) timers of a design.
     *
     * @param name one of {@link #NAMES}
     * @param n how many
     * @param bench the benchmark (its loop, clock and counter)
     * @return the timers
     */
    public static TimerDesigns create(String name, int n, TimerBench bench) {
        switch (name) {
            case "heap":
                return new Heap(n, bench);
            case "hwt":
                return new Hwt(n);
            case "agrona":
                return new Agrona(n, bench);
            case "vigil":
                return new Wheel(n, bench);
            default:
                throw new IllegalArgumentException("timer design " + name + " is unknown");
        }
    }

    /** A design with a per-channel state object, which can hold the dependent chain. */
    abstract static class Stateful extends TimerDesigns {
        private final TimerStates.Linked[] states;

        Stateful(TimerStates.Linked[] states) {
            this.states = states;
        }

        @Override
        public boolean link(int[] successor, int[] second) {
            for (int i = 0; i < successor.length; i++) {
                states[i].link(successor[i], second[i]);
            }
            return true;
        }

        @Override
        public int next(int i, boolean inSecond) {
            return states[i].next(inSecond);
        }
    }

    /** Netty's loop heap. */
    static final class Heap extends Stateful {
        private final TimerStates.Ish[] timers;
        private final TimerBench bench;

        Heap(int n, TimerBench bench) {
            this(states(n, bench), bench);
        }

        private Heap(TimerStates.Ish[] timers, TimerBench bench) {
            super(timers);
            this.timers = timers;
            this.bench = bench;
        }

        private static TimerStates.Ish[] states(int n, TimerBench bench) {
            TimerStates.Ish[] timers = new TimerStates.Ish[n + 1];
            for (int i = 0; i <= n; i++) {
                timers[i] = new TimerStates.Ish(bench.counter, bench.loop, 0);
            }
            return timers;
        }

        @Override
        public void arm(int i, long delayNanos) {
            timers[i].arm(delayNanos);
        }

        @Override
        public void cancel(int i) {
            timers[i].cancel();
        }

        /**
         * What IdleStateHandler does per read batch for its reader-idle timer: one clock read stored on the channel's
         * state (it re-arms only when the timer fires, a cost counted by the expiry benchmark).
         *
         * @param i the channel
         */
        void readStamp(int i) {
            timers[i].lastRun = bench.loop.ticker().nanoTime();
        }

        @Override
        public boolean firesShortTimer(int spare) {
            long before = bench.counter.fired;
            timers[spare].arm(TimerBench.TICK);
            bench.runUntilFired(before + 1, "heap");
            return timers[spare].fires == 1;
        }
    }

    /** Vigil's loop wheel. */
    static final class Wheel extends Stateful {
        private final TimerStates.Vigil[] timers;
        private final LoopTimer wheel;
        private final TimerBench bench;

        Wheel(int n, TimerBench bench) {
            this(bench.wheel(), n, bench);
        }

        private Wheel(LoopTimer wheel, int n, TimerBench bench) {
            this(states(wheel, n, bench), wheel, bench);
        }

        private Wheel(TimerStates.Vigil[] timers, LoopTimer wheel, TimerBench bench) {
            super(timers);
            this.timers = timers;
            this.wheel = wheel;
            this.bench = bench;
        }

        private static TimerStates.Vigil[] states(LoopTimer wheel, int n, TimerBench bench) {
            TimerStates.Vigil[] timers = new TimerStates.Vigil[n + 1];
            for (int i = 0; i <= n; i++) {
                timers[i] = new TimerStates.Vigil(bench.counter, wheel, 0);
            }
            return timers;
        }

        @Override
        public void arm(int i, long delayNanos) {
            timers[i].arm(wheel.now() + delayNanos);
        }

        @Override
        public void cancel(int i) {
            timers[i].cancel();
        }

        /**
         * What Vigil does per read for its timer: one store of the loop's cached time on the channel's state.
         *
         * @param i the channel
         */
        void readStamp(int i) {
            timers[i].latestRx = wheel.now();
        }

        @Override
        public boolean firesShortTimer(int spare) {
            long before = bench.counter.fired;
            arm(spare, TimerBench.TICK);
            bench.runUntilFired(before + 1, "vigil");
            return timers[spare].fires == 1;
        }
    }

    /** Netty's HashedWheelTimer, caller side. */
    static final class Hwt extends TimerDesigns {
        private static final TimerTask NOTHING = t -> { };
        private final HashedWheelTimer timer = new HashedWheelTimer(r -> {
            Thread t = new Thread(r, "bench-hashed-wheel-timer");
            t.setDaemon(true);
            return t;
        }, 10, TimeUnit.MILLISECONDS, 512, false);
        private final @Nullable Timeout[] timeouts;

        Hwt(int n) {
            timeouts = new Timeout[n + 1];
        }

        @Override
        public void arm(int i, long delayNanos) {
            Timeout t = timeouts[i];
            if (t != null) {
                t.cancel();
            }
            timeouts[i] = timer.newTimeout(NOTHING, delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void cancel(int i) {
            Timeout t = timeouts[i];
            if (t != null) {
                t.cancel();
                timeouts[i] = null;
            }
        }

        @Override
        public boolean firesShortTimer(int spare) {
            CountDownLatch fired = new CountDownLatch(1);
            timeouts[spare] = timer.newTimeout(t -> fired.countDown(), 1, TimeUnit.MILLISECONDS);
            try {
                return fired.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void close() {
            timer.stop();
        }
    }

    /** Agrona's DeadlineTimerWheel on the benchmark's clock. */
    static final class Agrona extends TimerDesigns {
        private final DeadlineTimerWheel wheel;
        private final long[] ids;
        private final ManualIoEventLoop loop;

        Agrona(int n, TimerBench bench) {
            loop = bench.loop;
            wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, loop.ticker().nanoTime(), 1L << 23, 512,
                    Math.max(16, Integer.highestOneBit(Math.max(1, 2 * n / 512)) * 2));
            ids = new long[n + 1];
            java.util.Arrays.fill(ids, DeadlineTimerWheel.NULL_DEADLINE);
        }

        @Override
        public void arm(int i, long delayNanos) {
            long id = ids[i];
            if (id != DeadlineTimerWheel.NULL_DEADLINE) {
                wheel.cancelTimer(id);
            }
            ids[i] = wheel.scheduleTimer(loop.ticker().nanoTime() + delayNanos);
        }

        @Override
        public void cancel(int i) {
            long id = ids[i];
            if (id != DeadlineTimerWheel.NULL_DEADLINE) {
                wheel.cancelTimer(id);
                ids[i] = DeadlineTimerWheel.NULL_DEADLINE;
            }
        }

        @Override
        public boolean firesShortTimer(int spare) {
            long id = wheel.scheduleTimer(loop.ticker().nanoTime() + TimerBench.TICK);
            long[] fired = {0};
            long target = loop.ticker().nanoTime() + 4 * TimerBench.TICK;
            // Polling moves one tick per call; bounded by the ticks to the target and a count.
            for (int k = 0; k < 100_000 && fired[0] == 0 && wheel.currentTickTime() <= target; k++) {
                wheel.poll(target, (unit, now, timerId) -> {
                    if (timerId == id) {
                        fired[0]++;
                    }
                    return true;
                }, Integer.MAX_VALUE);
            }
            return fired[0] == 1;
        }
    }
}
