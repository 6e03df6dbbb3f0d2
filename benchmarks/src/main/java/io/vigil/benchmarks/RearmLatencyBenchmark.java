package io.vigil.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The latency-bound variant of {@link RearmBenchmark}: the next channel is read from the state of the one just
 * re-armed, so one operation runs at a time and no cache miss overlaps another. Only the designs with a per-channel
 * state object ({@code heap}, {@code vigil}); {@code same-slot} for Vigil is the floor (reaching the state, no
 * re-arm). Read next to {@link LatencyFloorBenchmark} of the same run (the machine's DRAM latency through the same
 * array-of-references shape).
 *
 * @since 0.1
 */
public class RearmLatencyBenchmark extends AbstractRearm {

    /** The timer design. */
    @Param({"heap", "vigil"})
    public String impl;

    /** How many timers are armed. */
    @Param({"1000000"})
    public int channels;

    /** {@code random} or {@code same-slot}. */
    @Param({"random", "same-slot"})
    public String deadlines;

    @Override
    protected void params() {
        super.impl = impl;
        super.channels = channels;
        super.deadlines = deadlines;
    }

    /** Re-arms the channel named by the previous one's state. */
    @Benchmark
    public void rearmDependent() {
        dependent();
    }
}
