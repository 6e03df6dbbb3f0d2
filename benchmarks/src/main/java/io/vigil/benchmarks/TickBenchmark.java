package io.vigil.benchmarks;

import io.vigil.core.internal.timer.LoopTimer;
import io.vigil.core.internal.timer.TickBudget;
import io.vigil.core.internal.timer.TimerScheduler;
import io.vigil.core.internal.timer.TimerWheel;
import io.vigil.core.internal.timer.TimerWheelConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * One loop iteration one tick (10 ms) later, with {@code channels} timers armed 1–2 years ahead and nothing due
 * (each operation moves the clock 10 ms, so a measurement covers weeks of loop time; nearer timers would come due).
 * Timers beyond the wheel's 7.7-day range are parked and placed again when the wheel gets there, at real cost.
 * {@code bare}: the loop with no timers; {@code ish}: the timers on the loop's heap (its idle cost is a heap peek);
 * {@code vigil}: the timers in the loop's wheel, whose tick task runs once per iteration (tick cost = vigil − bare:
 * Netty's dispatch of the scheduled tick task plus the wheel's work); {@code vigil-advance}: the same kind of wheel
 * ({@link TimerWheel}, the data structure the loop's {@link LoopTimer} drives) advanced directly with the same budget,
 * without a loop (the wheel's own share, clock read included).
 *
 * @since 0.1
 */
public class TickBenchmark extends TimerBench {

    /** Scales [1 h, 2 h) to [1 y, 2 y). */
    private static final long YEAR_PER_HOUR = 365L * 24;

    /** The timer implementation. */
    @Param({"bare", "ish", "vigil", "vigil-advance"})
    public String impl;

    /** How many timers are armed. */
    @Param({"1000", "1000000"})
    public int channels;

    private LoopTimer timer;
    private TimerWheel wheel;
    private TickBudget budget;
    private boolean direct;

    /** Arms the timers; checks that a due timer fires and that the wheel ticks. */
    @Setup(Level.Trial)
    public void setup() {
        startLoop(TimerWheelConfig.fromSystemProperties());
        long[] delays = randomDelays(channels);
        for (int i = 0; i < channels; i++) {
            delays[i] = delays[i] / HOUR * YEAR_PER_HOUR + delays[i] % HOUR * YEAR_PER_HOUR;
        }
        if ("ish".equals(impl)) {
            for (int i = 0; i < channels; i++) {
                new TimerStates.Ish(counter, loop, 0).arm(delays[i]);
            }
            new TimerStates.Ish(counter, loop, 0).arm(TICK);
        } else if (impl.startsWith("vigil")) {
            direct = "vigil-advance".equals(impl);
            TimerScheduler scheduler;
            long now = ticker.nanoTime();
            if (direct) {
                TimerWheelConfig config = TimerWheelConfig.fromSystemProperties();
                wheel = new TimerWheel(config.tickNanos(), now);
                budget = config.budget(ticker);
                scheduler = wheel;
            } else {
                timer = wheel();
                now = timer.now();
                scheduler = timer;
            }
            for (int i = 0; i < channels; i++) {
                new TimerStates.Vigil(counter, scheduler, 0).arm(now + delays[i]);
            }
            new TimerStates.Vigil(counter, scheduler, 0).arm(now + TICK);
        }
        if (direct) {
            for (int i = 0; i < 10 && counter.fired == 0; i++) {
                tick();
            }
            check(counter.fired == 1, "only the short timer fired: " + counter.fired);
        } else if (!"bare".equals(impl)) {
            runUntilFired(1, "tick");
            check(counter.fired == 1, "only the short timer fired: " + counter.fired);
        }
        if (timer != null) {
            long before = timer.now();
            tick();
            check(timer.now() - before >= TICK, "the wheel ticked: its clock moved by " + (timer.now() - before));
            check(timer.size() == channels, "every long timer still armed: " + timer.size());
        } else if (wheel != null) {
            long before = wheel.currentTickTime();
            tick();
            long moved = wheel.currentTickTime() - before;
            check(moved >= TICK, "the wheel ticked: its current tick moved by " + moved);
            check(wheel.size() == channels, "every long timer still armed: " + wheel.size());
        }
    }

    /** Moves the clock one tick and runs one loop iteration. */
    @Benchmark
    public void tick() {
        ticker.advance(TICK, TimeUnit.NANOSECONDS);
        if (direct) {
            wheel.advance(ticker.nanoTime(), budget);
        } else {
            loop.runNow();
        }
    }
}
