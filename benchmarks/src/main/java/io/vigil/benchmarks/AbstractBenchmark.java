package io.vigil.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Shared defaults of the suite, from PERFORMANCE.md: average time in ns, 5 forks (the report's medians and intervals
 * are over forks, so forks are what the record spends its time on), 2 × 1 s warm-up, 3 × 1 s measurement; Netty's leak detector off (as Netty's own microbenchmarks
 * do); a fixed heap ({@code -Xms} = {@code -Xmx} = 6 GiB, young 2 GiB) so a million channels fit without resizing, with the parallel
 * collector, and <b>pre-touched</b> ({@code -XX:+AlwaysPreTouch}): on these virtual machines the first touch of a fresh
 * heap page costs about 10 µs, which would otherwise be charged to whichever side allocates (IdleStateHandler's
 * timers and promises), and would make iterations drop partway through a fork.
 * Run with {@code -prof gc} for the allocation figure ({@code gc.alloc.rate.norm}).
 *
 * <p>Subclasses cycle over their channels in a {@link #shuffled pre-shuffled order}, so cache misses at scale are
 * measured rather than hidden behind one hot channel, and build all state in {@code @Setup(Level.Trial)}.
 *
 * <p><b>Thread safety:</b> one instance per benchmark thread ({@link Scope#Thread}).
 *
 * @since 0.1
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 5, jvmArgsAppend = {
        "-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC", "-XX:-UseAdaptiveSizePolicy", "-Xmn2g",
        "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public abstract class AbstractBenchmark {

    /** Fixed seed: every run cycles in the same order. */
    protected static final long SEED = 0x5EED_CAFEL;

    /**
     * Returns 0 .. n-1 in a random order (fixed seed).
     *
     * @param n how many
     * @return a permutation
     */
    protected static int[] shuffled(int n) {
        return shuffled(n, SEED);
    }

    /**
     * Returns 0 .. n-1 in a random order drawn from {@code seed}.
     *
     * @param n how many
     * @param seed the seed
     * @return a permutation
     */
    protected static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * Fails the trial: a benchmark whose wiring swallowed the traffic or whose timers never fired measures nothing.
     *
     * @param ok the condition
     * @param what what was expected, with the numbers
     */
    protected static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark setup check failed: " + what);
        }
    }
}
