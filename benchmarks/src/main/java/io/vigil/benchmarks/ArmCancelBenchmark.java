package io.vigil.benchmarks;

import io.vigil.core.internal.timer.LoopTimer;
import io.vigil.core.internal.timer.TimerWheelConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * A probe answered in time, the "mostly cancelled" timer: each operation arms a 5 s probe timeout for the next of
 * {@code channels} channels (shuffled order) and cancels the one armed {@value #IN_FLIGHT} operations earlier (its
 * pong arrived), while every channel also holds an idle timer 1–2 h ahead. {@code ish}: {@code EventLoop.schedule}
 * and {@code cancel} on the loop's shared heap; {@code vigil}: link and unlink in the loop's wheel.
 *
 * @since 0.1
 */
public class ArmCancelBenchmark extends TimerBench {

    /** Probes in flight: the cancel lags the arm by this many operations. */
    static final int IN_FLIGHT = 64;
    private static final long PROBE_TIMEOUT = TimeUnit.SECONDS.toNanos(5);

    /** The timer implementation. */
    @Param({"ish", "vigil"})
    public String impl;

    /** How many channels (idle timers armed, plus one probe timer each). */
    @Param({"1000", "100000", "1000000"})
    public int channels;

    private TimerStates.Ish[] ishProbes;
    private TimerStates.Vigil[] vigilProbes;
    private LoopTimer wheel;
    private int[] order;
    private int next;

    /** Arms the idle timers, checks that probe timeouts fire when not cancelled. */
    @Setup(Level.Trial)
    public void setup() {
        startLoop(TimerWheelConfig.fromSystemProperties());
        long[] idle = randomDelays(channels);
        order = shuffled(channels);
        boolean isIsh = "ish".equals(impl);
        if (isIsh) {
            ishProbes = new TimerStates.Ish[channels];
            for (int i = 0; i < channels; i++) {
                new TimerStates.Ish(counter, loop, 0).arm(idle[i]);
                ishProbes[i] = new TimerStates.Ish(counter, loop, 0);
            }
        } else {
            wheel = wheel();
            vigilProbes = new TimerStates.Vigil[channels];
            for (int i = 0; i < channels; i++) {
                new TimerStates.Vigil(counter, wheel, 0).arm(wheel.now() + idle[i]);
                vigilProbes[i] = new TimerStates.Vigil(counter, wheel, 0);
            }
        }
        // Probe timeouts that nobody cancels really fire (and the idle timers do not, yet).
        for (int k = 0; k < IN_FLIGHT; k++) {
            arm(order[k]);
        }
        ticker.advance(PROBE_TIMEOUT, TimeUnit.NANOSECONDS);
        runUntilFired(IN_FLIGHT, "arm-cancel");
        check(counter.fired == IN_FLIGHT, "exactly the probe timeouts fired: " + counter.fired);
        check(isIsh || wheel.size() == channels, "idle timers still armed: " + (isIsh ? -1 : wheel.size()));
        // Steady state: IN_FLIGHT probes armed.
        for (int k = 0; k < IN_FLIGHT; k++) {
            arm(order[k]);
        }
        next = IN_FLIGHT;
    }

    private void arm(int i) {
        if (ishProbes != null) {
            ishProbes[i].arm(PROBE_TIMEOUT);
        } else {
            vigilProbes[i].arm(wheel.now() + PROBE_TIMEOUT);
        }
    }

    private void cancel(int i) {
        if (ishProbes != null) {
            ishProbes[i].cancel();
        } else {
            vigilProbes[i].cancel();
        }
    }

    /** Arms one probe timeout, cancels an earlier one. */
    @Benchmark
    public void armCancel() {
        int n = next;
        arm(order[n]);
        int old = n - IN_FLIGHT;
        cancel(order[old < 0 ? old + channels : old]);
        next = n + 1 == channels ? 0 : n + 1;
    }
}
