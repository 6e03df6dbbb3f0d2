package io.vigil.benchmarks;

import io.vigil.core.internal.timer.LoopTimer;
import io.vigil.core.internal.timer.TimerWheelConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Mass expiry on one loop: {@code channels} periodic timers (period {@value #PERIOD_SECONDS} s), staggered so that
 * each step of the clock makes {@code duePerMille}/1000 of them due. Every expired timer re-arms one period later,
 * as an idle timer does; no event is dispatched, so this is the timer's own cost.
 * {@code ish}: tasks on the loop's shared heap, each expiry reading the clock and scheduling a new task, as
 * IdleStateHandler does; {@code vigil}: the loop's wheel with its default budget; {@code vigil-nobudget}: the same
 * wheel with no budget (one loop iteration takes the whole herd).
 *
 * <p>{@link #sweep}: one clock step and the loop iterations that expire what became due; the report divides by the
 * number of expired timers per step. {@link #herd}: all timers due at once; the primary score is the loop time to
 * absorb the herd, and {@link Stall#maxIterationNanos} the longest single loop iteration (the stall).
 *
 * <p>What is measured, precisely: the timer structures' own expiry work with a stub callback (a counter and the
 * re-arm), not KeepAliveHandler's or IdleStateHandler's expiry (the handlers' full expiry is in
 * {@link ProbeCycleBenchmark}). The phase of each timer is assigned through a shuffled permutation, so the timers due
 * in one step lie at random places in memory (not at a regular stride the hardware prefetcher would follow).
 *
 * <p>The wheel's tick is 10 ms: an expiry is at most one tick late, plus the ticks a herd's carry-over takes.
 *
 * @since 0.1
 */
public class ExpirySweepBenchmark extends TimerBench {

    static final int PERIOD_SECONDS = 10;
    private static final long PERIOD = TimeUnit.SECONDS.toNanos(PERIOD_SECONDS);

    /** The timer implementation. */
    @Param({"ish", "vigil", "vigil-nobudget"})
    public String impl;

    /** How many timers. */
    @Param({"100000", "1000000"})
    public int channels;

    /** Per mille of the timers due at each step. */
    @Param({"1", "100", "1000"})
    public int duePerMille;

    private long step;
    private long perStep;
    private long expected;

    /** Arms the staggered timers and checks that a full period fires each exactly once. */
    @Setup(Level.Trial)
    public void setup() {
        TimerWheelConfig config = TimerWheelConfig.fromSystemProperties();
        if ("vigil-nobudget".equals(impl)) {
            config = config.withMaxExpiriesPerTick(Integer.MAX_VALUE).withMaxTick(Duration.ofHours(1));
        }
        startLoop(config);
        int phases = 1000 / duePerMille;
        step = PERIOD / phases;
        perStep = (long) channels * duePerMille / 1000;
        check(perStep * phases == channels, "channels divide evenly into " + phases + " phases");
        int[] phaseOf = shuffled(channels);
        TimerStates.Ish[] ish = new TimerStates.Ish[channels];
        TimerStates.Vigil[] vigil = new TimerStates.Vigil[channels];
        if ("ish".equals(impl)) {
            for (int i = 0; i < channels; i++) {
                ish[i] = new TimerStates.Ish(counter, loop, PERIOD);
                ish[i].arm(PERIOD + (phaseOf[i] % phases) * step);
            }
        } else {
            LoopTimer wheel = wheel();
            long base = wheel.now();
            for (int i = 0; i < channels; i++) {
                vigil[i] = new TimerStates.Vigil(counter, wheel, PERIOD);
                vigil[i].arm(base + PERIOD + (phaseOf[i] % phases) * step);
            }
        }
        // One full period: every timer fires once, and re-arms.
        expected = 0;
        for (int k = 0; k < phases + 1 && counter.fired < channels; k++) {
            sweep();
        }
        // The clock also runs in real time, so a few timers of the next step may have fired already.
        for (int i = 0; i < channels; i++) {
            int fires = ish[i] != null ? ish[i].fires : vigil[i].fires;
            check(fires == 1 || fires == 2 && counter.fired > channels, "timer " + i + " fired " + fires + " times");
        }
        expected = counter.fired;
    }

    /** Steps the clock and runs the loop until the timers that became due have fired. */
    @Benchmark
    public void sweep() {
        ticker.advance(step, TimeUnit.NANOSECONDS);
        expected += perStep;
        int runs = 0;
        while (counter.fired < expected) {
            if (runs++ == 1_000_000) {
                throw new IllegalStateException("only " + counter.fired + " of " + expected + " expired");
            }
            loop.runNow();
            if (counter.fired < expected) {
                // Carried over by the wheel's budget: the rest goes at the next tick.
                ticker.advance(TICK, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** The longest loop iteration seen in a herd. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Stall {
        /** Longest single loop iteration of the last herd, ns. */
        public long maxIterationNanos;
        /** Loop iterations the herds took (JMH sums this over the measured herds; the report divides). */
        public long iterations;
    }

    /**
     * A whole herd: one period's clock step makes every timer due (whatever the stagger), then loop iterations one
     * tick apart until all expired. Records the longest iteration. Run it with {@code duePerMille=1000}.
     *
     * @param stall where the longest iteration goes
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, batchSize = 1)
    @Measurement(iterations = 10, batchSize = 1)
    public void herd(Stall stall) {
        ticker.advance(PERIOD - TICK, TimeUnit.NANOSECONDS);
        long target = expected + channels;
        long max = 0;
        int runs = 0;
        while (counter.fired < target) {
            if (runs++ == 1_000_000) {
                throw new IllegalStateException("only " + counter.fired + " of " + target + " expired");
            }
            ticker.advance(TICK, TimeUnit.NANOSECONDS);
            long start = System.nanoTime();
            loop.runNow();
            max = Math.max(max, System.nanoTime() - start);
        }
        expected = counter.fired;
        stall.maxIterationNanos = max;
        stall.iterations = runs;
    }
}
