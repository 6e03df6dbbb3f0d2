package io.vigil.core.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The time budget of one tick, with a clock that moves only when read: every read costs {@link WorkClock#STEP}, so
 * "time spent in a tick" is exactly the reads the wheel made, and the test is deterministic on a loaded machine.
 * (Real-clock stalls are measured by {@code ExpirySweepBenchmark.herdIteration}; timing claims live in JMH.)
 */
class TimerWheelBudgetTest {

    private static final long MS = 1_000_000L;
    private static final long BUDGET = MS;
    private static final int HERD = 100_000;

    /** A ticker that advances by {@link #STEP} on every read. */
    static final class WorkClock implements Ticker {
        static final long STEP = 20_000L;
        long time;
        long reads;

        @Override
        public long initialNanoTime() {
            return 0;
        }

        @Override
        public long nanoTime() {
            reads++;
            time += STEP;
            return time;
        }

        void jumpTo(long nanos) {
            time = Math.max(time, nanos);
        }

        @Override
        public void sleep(long delay, TimeUnit unit) {
            time += unit.toNanos(delay);
        }
    }

    /** An entry that counts its expiries and checks it is never early. */
    static final class Counted extends TimerEntry {
        int fired;
        long firedAt;

        @Override
        protected void onTimerExpired(long now) {
            assertThat(now).isGreaterThanOrEqualTo(deadline);
            fired++;
            firedAt = now;
        }
    }

    @Test
    void aHerdOf100kDueAtOnceIsSpreadOverTicksWithinTheTimeBudgetAndNothingIsLost() {
        WorkClock clock = new WorkClock();
        TimerWheelConfig config = TimerWheelConfig.fromSystemProperties()
                .withTick(Duration.ofMillis(10)).withMaxExpiriesPerTick(Integer.MAX_VALUE).withMaxTick(Duration.ofMillis(1));
        TimerWheel wheel = new TimerWheel(config.tickNanos(), clock.nanoTime());
        TickBudget budget = config.budget(clock);
        Counted[] herd = new Counted[HERD];
        // 60 s ahead: the herd sits in a coarse level first, so one tick must cascade all of it, then expire it.
        long due = clock.time + 60_000 * MS;
        for (int i = 0; i < HERD; i++) {
            herd[i] = new Counted();
            herd[i].deadline = due;
            wheel.schedule(herd[i]);
        }
        long tick = 10 * MS;
        int calls = 0;
        long maxCallNanos = 0;
        int expired = 0;
        long t = 0;
        while (expired < HERD && calls < 10_000) {
            t += tick;
            clock.jumpTo(t);
            long start = clock.nanoTime();
            expired += wheel.advance(start, budget);
            long spent = clock.time - start;
            maxCallNanos = Math.max(maxCallNanos, spent);
            calls++;
            t = Math.max(t, clock.time);
        }
        assertThat(expired).isEqualTo(HERD);
        assertThat(wheel.size()).isZero();
        assertThat(wheel.hasCarryOver()).isFalse();
        // One clock read every 16 work items: a call may overrun the budget by at most one read's worth of work.
        assertThat(maxCallNanos).as("longest tick, in clock reads of %d ns", WorkClock.STEP)
                .isLessThanOrEqualTo(BUDGET + WorkClock.STEP);
        // 100k cascades and 100k expiries at 16 items per read and 50 reads per budget need many ticks, not one.
        assertThat(wheel.carryOvers()).isGreaterThanOrEqualTo(2L * HERD / (16 * (BUDGET / WorkClock.STEP)) - 1);
        for (Counted c : herd) {
            assertThat(c.fired).isEqualTo(1);
            assertThat(c.isScheduled()).isFalse();
        }
    }

    @Test
    void anEntryArmedWhileACascadeIsCarriedOverFiresAsSoonAsTheCascadeIsDone() {
        WorkClock clock = new WorkClock();
        TimerWheelConfig config = TimerWheelConfig.fromSystemProperties()
                .withTick(Duration.ofMillis(10)).withMaxTick(Duration.ofMillis(1));
        TimerWheel wheel = new TimerWheel(config.tickNanos(), clock.nanoTime());
        TickBudget budget = config.budget(clock);
        Counted[] herd = new Counted[20_000];
        long due = 60_000 * MS;
        for (int i = 0; i < herd.length; i++) {
            herd[i] = new Counted();
            herd[i].deadline = due;
            wheel.schedule(herd[i]);
        }
        // Walk to the cascade point of the herd's coarse slot: the first call that carries over is mid-cascade.
        long t = 0;
        while (!wheel.hasCarryOver()) {
            t += 10 * MS;
            clock.jumpTo(t);
            wheel.advance(clock.nanoTime(), budget);
            t = Math.max(t, clock.time);
            assertThat(t).isLessThan(due);
        }
        long cascadeTime = clock.time;
        Counted late = new Counted();
        late.deadline = cascadeTime + 30 * MS;
        wheel.schedule(late);
        Counted cancelled = herd[herd.length - 1];
        wheel.cancel(cancelled);
        long caughtUp = -1;
        while (wheel.size() > 0) {
            t += 10 * MS;
            clock.jumpTo(t);
            long now = clock.nanoTime();
            wheel.advance(now, budget);
            if (caughtUp < 0 && !wheel.hasCarryOver()) {
                caughtUp = now;
            }
            t = Math.max(t, clock.time);
        }
        // Ticks are processed in order: the entry waits behind the carried-over cascade, then fires in the call
        // that finishes it (it is overdue by then), never early and never lost.
        assertThat(caughtUp).isGreaterThan(late.deadline);
        assertThat(late.fired).isEqualTo(1);
        assertThat(late.firedAt).isEqualTo(caughtUp);
        assertThat(cancelled.fired).isZero();
        for (int i = 0; i < herd.length - 1; i++) {
            assertThat(herd[i].fired).isEqualTo(1);
        }
    }
}
