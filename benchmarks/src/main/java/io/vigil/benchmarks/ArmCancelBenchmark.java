package io.vigil.benchmarks;

import io.vigil.core.internal.timer.TimerWheelConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A probe answered in time, the "mostly cancelled" timer: each operation arms a 5 s probe timeout for the next of
 * {@code channels} channels (shuffled order) and cancels the one armed {@value #IN_FLIGHT} operations earlier (its
 * pong arrived), while every channel also holds an idle timer 1–2 h ahead. One design of {@link TimerDesigns} per
 * {@code impl}: {@code heap} (Netty's loop scheduler), {@code hwt}, {@code agrona}, {@code vigil}.
 *
 * <p>Per operation one channel state is cold (the probe being armed, a random channel); the cancelled one was armed
 * {@value #IN_FLIGHT} operations earlier and is still in cache.
 *
 * @since 0.1
 */
public class ArmCancelBenchmark extends TimerBench {

    /** Probes in flight: the cancel lags the arm by this many operations. */
    static final int IN_FLIGHT = 64;
    private static final long PROBE_TIMEOUT = TimeUnit.SECONDS.toNanos(5);

    /** The timer design. */
    @Param({"heap", "hwt", "agrona", "vigil"})
    public String impl;

    /** How many channels (idle timers armed, plus one probe timer each). */
    @Param({"1000", "100000", "1000000"})
    public int channels;

    private TimerDesigns timers;
    private int[] order;
    private int next;

    /** Arms the idle timers, checks that the design's timers fire, arms {@value #IN_FLIGHT} probes. */
    @Setup(Level.Trial)
    public void setup() {
        startLoop(TimerWheelConfig.fromSystemProperties());
        long[] idle = randomDelays(channels);
        order = shuffled(channels);
        // Timers 0 .. n-1: idle timers; n .. 2n-1: probe timeouts.
        timers = TimerDesigns.create(impl, 2 * channels, this);
        for (int i = 0; i < channels; i++) {
            timers.arm(i, idle[i]);
        }
        check(timers.firesShortTimer(2 * channels), impl + ": a short timer fires");
        for (int k = 0; k < IN_FLIGHT; k++) {
            timers.arm(channels + order[k], PROBE_TIMEOUT);
        }
        next = IN_FLIGHT;
    }

    /** Stops HashedWheelTimer's thread. */
    @TearDown
    public void closeTimers() {
        timers.close();
    }

    /** Arms one probe timeout, cancels an earlier one. */
    @Benchmark
    public void armCancel() {
        int n = next;
        timers.arm(channels + order[n], PROBE_TIMEOUT);
        int old = n - IN_FLIGHT;
        timers.cancel(channels + order[old < 0 ? old + channels : old]);
        next = n + 1 == channels ? 0 : n + 1;
    }
}
