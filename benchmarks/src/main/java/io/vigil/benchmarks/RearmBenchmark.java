package io.vigil.benchmarks;

import io.vigil.core.internal.timer.LoopTimer;
import io.vigil.core.internal.timer.TimerWheelConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Re-arm (cancel + arm) of the next of {@code channels} armed timers, in a shuffled order, at a steady size.
 * {@code ish}: {@code future.cancel} + {@code EventLoop.schedule} on the loop's shared heap (the path
 * IdleStateHandler's timers take); {@code vigil}: moving the channel's entry in the loop's wheel.
 * {@code deadlines=random}: a new random deadline 1–2 h ahead; {@code same-slot}: the channel's own fixed delay,
 * which for the wheel lands in the slot the entry is already in (a no-op), and for the heap is a full re-insert.
 *
 * @since 0.1
 */
public class RearmBenchmark extends TimerBench {

    private static final int DELAYS = 1 << 16;

    /** The timer implementation. */
    @Param({"ish", "vigil"})
    public String impl;

    /** How many timers are armed. */
    @Param({"1000", "100000", "1000000"})
    public int channels;

    /** {@code random} or {@code same-slot}. */
    @Param({"random", "same-slot"})
    public String deadlines;

    private TimerStates.Ish[] ish;
    private TimerStates.Vigil[] vigil;
    private LoopTimer wheel;
    private long[] delays;
    private long[] ownDelay;
    private int[] order;
    private boolean random;
    private int next;
    private int nextDelay;

    /** Arms every timer, checks they fire, arms them again. */
    @Setup(Level.Trial)
    public void setup() {
        startLoop(TimerWheelConfig.fromSystemProperties());
        random = "random".equals(deadlines);
        delays = randomDelays(DELAYS);
        ownDelay = randomDelays(channels);
        order = shuffled(channels);
        if ("ish".equals(impl)) {
            ish = new TimerStates.Ish[channels];
            for (int i = 0; i < channels; i++) {
                ish[i] = new TimerStates.Ish(counter, loop, 0);
            }
            armAll();
            check(loop.isShuttingDown() || ish[channels - 1].future != null, "armed");
        } else {
            wheel = wheel();
            vigil = new TimerStates.Vigil[channels];
            for (int i = 0; i < channels; i++) {
                vigil[i] = new TimerStates.Vigil(counter, wheel, 0);
            }
            armAll();
            check(wheel.size() == channels, "the wheel holds every timer: " + wheel.size());
        }
        // The timers really fire: jump past every deadline and run the loop.
        ticker.advance(3 * HOUR, java.util.concurrent.TimeUnit.NANOSECONDS);
        runUntilFired(channels, "rearm");
        check(counter.fired == channels, "every timer fired once: " + counter.fired);
        armAll();
        next = 0;
        nextDelay = 0;
    }

    private void armAll() {
        for (int i = 0; i < channels; i++) {
            if (ish != null) {
                ish[i].arm(ownDelay[i]);
            } else {
                vigil[i].arm(wheel.now() + ownDelay[i]);
            }
        }
    }

    /** The next channel in the shuffled order (the timers stay in creation order in memory). */
    private int nextChannel() {
        int i = order[next];
        if (++next == channels) {
            next = 0;
        }
        return i;
    }

    private long delay(int i) {
        if (!random) {
            return ownDelay[i];
        }
        long d = delays[nextDelay];
        nextDelay = (nextDelay + 1) & (DELAYS - 1);
        return d;
    }

    /** Re-arms the next channel's timer. */
    @Benchmark
    public void rearm() {
        int i = nextChannel();
        if (ish != null) {
            ish[i].arm(delay(i));
        } else {
            vigil[i].arm(wheel.now() + delay(i));
        }
    }
}
