package io.vigil.benchmarks;

import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.MockTicker;
import io.vigil.core.internal.timer.LoopTimer;
import io.vigil.core.internal.timer.TimerWheelConfig;
import io.vigil.core.internal.timer.TimerWheels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Base of the pure timer benchmarks: a shared {@link ManualIoEventLoop} on a {@link BenchTicker}, its Netty heap
 * (the {@code ish} path) and its Vigil wheel, made the way {@code KeepAliveHandler} gets it
 * ({@link TimerWheels#forExecutor}), so the wheel ticks through the loop exactly as in production.
 *
 * @since 0.1
 */
public abstract class TimerBench extends AbstractBenchmark {

    /** One hour, in nanoseconds. */
    protected static final long HOUR = TimeUnit.HOURS.toNanos(1);
    /** The wheel's tick, in nanoseconds. */
    protected static final long TICK = TimerWheelConfig.fromSystemProperties().tickNanos();

    /** The clock. */
    protected MockTicker ticker;
    /** The loop. */
    protected ManualIoEventLoop loop;
    /** Counts expiries. */
    protected final TimerStates.Counter counter = new TimerStates.Counter();

    /**
     * Makes the loop.
     *
     * @param config the settings of the loop's wheel
     */
    protected final void startLoop(TimerWheelConfig config) {
        ticker = BenchTicker.create();
        loop = Pipelines.sharedLoop(ticker);
        TimerWheels.configure(config);
    }

    /**
     * Returns the loop's wheel. Call on the loop's thread (the benchmark thread).
     *
     * @return the wheel
     */
    protected final LoopTimer wheel() {
        return TimerWheels.forExecutor(loop);
    }

    /**
     * Returns {@code n} random delays in [1 h, 2 h).
     *
     * @param n how many
     * @return nanoseconds
     */
    protected static long[] randomDelays(int n) {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        long[] delays = new long[n];
        for (int i = 0; i < n; i++) {
            delays[i] = HOUR + random.nextLong(HOUR);
        }
        return delays;
    }

    /**
     * Runs the loop, jumping the clock one tick between runs, until {@code fired} expiries were counted.
     *
     * @param fired the count to reach
     * @param what for the error message
     */
    protected final void runUntilFired(long fired, String what) {
        int runs = 0;
        while (counter.fired < fired) {
            if (runs++ == 1_000_000) {
                throw new IllegalStateException(what + ": only " + counter.fired + " of " + fired + " timers fired");
            }
            ticker.advance(TICK, TimeUnit.NANOSECONDS);
            loop.runNow();
        }
    }

    /** Stops the loop. */
    @TearDown
    public void stopLoop() {
        loop.shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
        while (!loop.isTerminated()) {
            loop.runNow();
        }
        TimerWheels.configure(TimerWheelConfig.fromSystemProperties());
    }
}
