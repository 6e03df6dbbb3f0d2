package io.vigil.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Re-arm of the next channel's timer in a shuffled order, independent operations (a throughput figure), for every
 * timer design and the two per-read paths; see {@link AbstractRearm} for what each impl measures. The report labels
 * {@code heap} as a heap timer, not as IdleStateHandler, and treats {@code vigil} at {@code same-slot} as the floor.
 *
 * @since 0.1
 */
public class RearmBenchmark extends AbstractRearm {

    /** The timer design, or a per-read path. */
    @Param({"heap", "hwt", "agrona", "vigil", "ish-read", "vigil-read"})
    public String impl;

    /** How many timers are armed. */
    @Param({"1000", "100000", "1000000"})
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

    /** Re-arms the next channel's timer. */
    @Benchmark
    public void rearm() {
        independent();
    }
}
