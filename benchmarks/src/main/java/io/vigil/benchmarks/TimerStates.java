package io.vigil.benchmarks;

import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigil.core.internal.timer.TimerEntry;
import io.vigil.core.internal.timer.TimerScheduler;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Per-channel timer state for the pure timer benchmarks (no channels: a million of these fit easily).
 *
 * <p>{@link Ish} is what {@code IdleStateHandler} does per timer: a reused {@code Runnable} and the future of its
 * last {@code EventLoop.schedule}, on the loop's shared heap; every arm allocates a new {@code ScheduledFutureTask}.
 * {@link Vigil} is Vigil's: the state object is the wheel entry.
 *
 * <p><b>Thread safety:</b> confined to the loop's thread (the benchmark thread).
 *
 * @since 0.1
 */
public final class TimerStates {

    private TimerStates() {
    }

    /** A per-channel state that holds the next channel of a dependent chain (the latency-bound variants). */
    public interface Linked {
        /**
         * Returns the next channel in one of the two chains.
         *
         * @param second true for the second chain
         * @return its index
         */
        int next(boolean second);

        /**
         * Sets the next channel in each of the two chains.
         *
         * @param next its index in the first chain
         * @param second its index in the second chain
         */
        void link(int next, int second);
    }

    /** Counts expiries across all timers of a benchmark. */
    public static final class Counter {
        /** Expiries so far. */
        public long fired;
    }

    /** One timer the way IdleStateHandler keeps it. */
    public static final class Ish implements Runnable, Linked {
        private final Counter counter;
        private final ManualIoEventLoop loop;
        /** Re-arm this far ahead on expiry, or 0 not to re-arm. */
        private final long periodNanos;
        /** The future of the latest schedule. */
        public @Nullable ScheduledFuture<?> future;
        /** The clock at the latest expiry (or, for the {@code ish-read} path, at the latest read batch). */
        public long lastRun;
        /** The next channel of the first and of the second dependent chain (latency-bound variants). */
        public int next;
        /** See {@link #next}. */
        public int nextInSecond;

        @Override
        public int next(boolean second) {
            return second ? nextInSecond : next;
        }

        @Override
        public void link(int next, int second) {
            this.next = next;
            this.nextInSecond = second;
        }
        /** Expiries of this timer. */
        public int fires;

        /**
         * Creates a timer.
         *
         * @param counter counts expiries
         * @param loop the loop whose heap holds the timer
         * @param periodNanos re-arm period after an expiry, 0 for none
         */
        public Ish(Counter counter, ManualIoEventLoop loop, long periodNanos) {
            this.counter = counter;
            this.loop = loop;
            this.periodNanos = periodNanos;
        }

        /**
         * Arms (or re-arms: cancel, then schedule) the timer.
         *
         * @param delayNanos from now
         */
        public void arm(long delayNanos) {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            future = loop.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        }

        /** Cancels the timer if armed. */
        public void cancel() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
                future = null;
            }
        }

        @Override
        public void run() {
            counter.fired++;
            fires++;
            if (periodNanos > 0) {
                // As IdleStateHandler's task: read the clock, then schedule the next expiry (a new task).
                lastRun = loop.ticker().nanoTime();
                future = loop.schedule(this, periodNanos, TimeUnit.NANOSECONDS);
            } else {
                future = null;
            }
        }
    }

    /** One timer the way Vigil keeps it: the state object is the wheel entry. */
    public static final class Vigil extends TimerEntry implements Linked {
        private final Counter counter;
        private final TimerScheduler wheel;
        private final long periodNanos;
        /** Expiries of this timer. */
        public int fires;
        /** The loop time stamped by the latest read (the {@code vigil-read} path). */
        public long latestRx;
        /** The next channel of the first and of the second dependent chain (latency-bound variants). */
        public int next;
        /** See {@link #next}. */
        public int nextInSecond;

        @Override
        public int next(boolean second) {
            return second ? nextInSecond : next;
        }

        @Override
        public void link(int next, int second) {
            this.next = next;
            this.nextInSecond = second;
        }

        /**
         * Creates a timer.
         *
         * @param counter counts expiries
         * @param wheel the loop's timer or a bare wheel, which holds it
         * @param periodNanos re-arm period after an expiry (from the old deadline), 0 for none
         */
        public Vigil(Counter counter, TimerScheduler wheel, long periodNanos) {
            this.counter = counter;
            this.wheel = wheel;
            this.periodNanos = periodNanos;
        }

        /**
         * Arms (or moves) the timer.
         *
         * @param deadlineNanos in the wheel's clock
         */
        public void arm(long deadlineNanos) {
            deadline = deadlineNanos;
            wheel.schedule(this);
        }

        /** Cancels the timer if armed. */
        public void cancel() {
            wheel.cancel(this);
        }

        @Override
        protected void onTimerExpired(long now) {
            counter.fired++;
            fires++;
            if (periodNanos > 0) {
                deadline += periodNanos;
                wheel.schedule(this);
            }
        }
    }
}
