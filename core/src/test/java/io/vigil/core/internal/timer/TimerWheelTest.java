package io.vigil.core.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The wheel as a data structure, driven by hand: no executor, no task, no cached clock. */
class TimerWheelTest {

    private static final long MS = 1_000_000L;
    private static final long TICK = 10 * MS;
    private static final TimerWheelConfig CONFIG = TimerWheelConfig.fromSystemProperties().withTick(Duration.ofMillis(10));

    /** An entry that records when it expired. */
    static final class Probe extends TimerEntry {
        final int id;
        final List<long[]> log;
        long expiredAt = -1;
        Runnable onExpire = () -> { };

        Probe(int id, List<long[]> log) {
            this.id = id;
            this.log = log;
        }

        void at(long deadlineNanos) {
            deadline = deadlineNanos;
        }

        @Override
        protected void onTimerExpired(long now) {
            expiredAt = now;
            log.add(new long[] {id, now});
            onExpire.run();
        }
    }

    private final MockTicker ticker = Ticker.newMockTicker();
    private final List<long[]> log = new ArrayList<>();

    private TickBudget budget = CONFIG.budget(ticker);

    private TimerWheel manual() {
        return new TimerWheel(CONFIG.tickNanos(), ticker.nanoTime());
    }

    private void advanceTo(TimerWheel wheel, long nanos) {
        ticker.advance(nanos - ticker.nanoTime(), TimeUnit.NANOSECONDS);
        wheel.advance(ticker.nanoTime(), budget);
    }

    @Test
    void anEntryFiresAtTheFirstTickAtOrAfterItsDeadline() {
        TimerWheel wheel = manual();
        Probe onGrid = new Probe(1, log);
        Probe offGrid = new Probe(2, log);
        onGrid.at(50 * MS);
        offGrid.at(51 * MS);
        wheel.schedule(onGrid);
        wheel.schedule(offGrid);
        assertThat(wheel.size()).isEqualTo(2);
        advanceTo(wheel, 49 * MS);
        assertThat(log).isEmpty();
        advanceTo(wheel, 50 * MS);
        assertThat(onGrid.expiredAt).isEqualTo(50 * MS);
        assertThat(offGrid.isScheduled()).isTrue();
        advanceTo(wheel, 59 * MS);
        assertThat(offGrid.expiredAt).isEqualTo(-1);
        advanceTo(wheel, 60 * MS);
        assertThat(offGrid.expiredAt).isEqualTo(60 * MS);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void cancelAndRearm() {
        TimerWheel wheel = manual();
        Probe a = new Probe(1, log);
        Probe b = new Probe(2, log);
        a.at(100 * MS);
        b.at(100 * MS);
        wheel.schedule(a);
        wheel.schedule(b);
        wheel.cancel(a);
        wheel.cancel(a); // twice is fine
        assertThat(a.isScheduled()).isFalse();
        b.at(5_000 * MS); // re-arm further out: moves to a coarser level
        wheel.schedule(b);
        advanceTo(wheel, 4_990 * MS);
        assertThat(log).isEmpty();
        advanceTo(wheel, 5_000 * MS);
        assertThat(log).hasSize(1);
        assertThat(b.expiredAt).isEqualTo(5_000 * MS);
    }

    @Test
    void aReArmIntoTheSameSlotLeavesTheEntryWhereItIs() {
        TimerWheel wheel = manual();
        Probe a = new Probe(1, log);
        a.at(100 * MS);
        wheel.schedule(a);
        int slot = a.slot;
        a.at(93 * MS); // earlier, but due at the same tick (100 ms)
        wheel.schedule(a);
        assertThat(a.slot).isEqualTo(slot);
        advanceTo(wheel, 90 * MS);
        assertThat(a.expiredAt).isEqualTo(-1);
        advanceTo(wheel, 100 * MS);
        assertThat(a.expiredAt).isEqualTo(100 * MS);
    }

    @Test
    void aPassedDeadlineFiresAtTheNextTick() {
        TimerWheel wheel = manual();
        advanceTo(wheel, 1_000 * MS);
        Probe a = new Probe(1, log);
        a.at(10 * MS);
        wheel.schedule(a);
        advanceTo(wheel, 1_009 * MS);
        assertThat(log).isEmpty();
        advanceTo(wheel, 1_010 * MS);
        assertThat(a.expiredAt).isEqualTo(1_010 * MS);
    }

    @Test
    void anEntryReArmingItselfToNowFiresAgainNextTickNotInALoop() {
        TimerWheel wheel = manual();
        Probe a = new Probe(1, log);
        a.onExpire = () -> {
            a.at(ticker.nanoTime());
            wheel.schedule(a);
        };
        a.at(10 * MS);
        wheel.schedule(a);
        advanceTo(wheel, 10 * MS);
        assertThat(log).hasSize(1);
        advanceTo(wheel, 20 * MS);
        assertThat(log).hasSize(2);
        wheel.cancel(a);
    }

    @Test
    void expiryOrderFollowsDeadlinesAcrossLevelsAndLongJumps() {
        TimerWheel wheel = manual();
        long[] deadlines = {3 * MS, 2_600 * MS, 170_000 * MS, 11_000_000 * MS, 20 * MS, 2_000_000 * MS};
        for (int i = 0; i < deadlines.length; i++) {
            Probe p = new Probe(i, log);
            p.at(deadlines[i]);
            wheel.schedule(p);
        }
        advanceTo(wheel, 12_000_000 * MS); // one jump of 3.3 hours
        List<Long> order = new ArrayList<>();
        for (long[] e : log) {
            order.add(deadlines[(int) e[0]]);
        }
        assertThat(order).isSorted().hasSize(deadlines.length);
    }

    @Test
    void wrapSafeAcrossTheEndOfTheTickersRange() {
        MockTicker late = Ticker.newMockTicker();
        late.advance(Long.MAX_VALUE - 5_000 * MS, TimeUnit.NANOSECONDS);
        TimerWheel wheel = new TimerWheel(CONFIG.tickNanos(), late.nanoTime());
        budget = CONFIG.budget(late);
        Probe a = new Probe(1, log);
        a.at(late.nanoTime() + 10_000 * MS); // overflows to a negative long
        assertThat(a.deadline()).isNegative();
        wheel.schedule(a);
        late.advance(9_990, TimeUnit.MILLISECONDS);
        wheel.advance(late.nanoTime(), budget);
        assertThat(log).isEmpty();
        late.advance(10, TimeUnit.MILLISECONDS);
        wheel.advance(late.nanoTime(), budget);
        assertThat(log).hasSize(1);
    }

    @Test
    void theBudgetCarriesExpiriesOverToTheNextTickAndLosesNothing() {
        TimerWheel wheel = manual();
        budget = CONFIG.withMaxExpiriesPerTick(1_000).budget(ticker);
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            Probe p = new Probe(i, log);
            p.at(100 * MS);
            wheel.schedule(p);
            probes.add(p);
        }
        advanceTo(wheel, 100 * MS);
        assertThat(log).hasSize(1_000);
        assertThat(wheel.hasCarryOver()).isTrue();
        advanceTo(wheel, 110 * MS);
        assertThat(log).hasSize(2_000);
        advanceTo(wheel, 120 * MS);
        assertThat(log).hasSize(2_500);
        assertThat(wheel.hasCarryOver()).isFalse();
        assertThat(wheel.carryOvers()).isEqualTo(2);
        assertThat(probes).allMatch(p -> p.expiredAt >= 100 * MS && !p.isScheduled());
    }

    @Test
    void aBudgetOfOneExpiresOneEntryPerCallWithNoExecutorInvolved() {
        TimerWheel wheel = manual();
        budget = CONFIG.withMaxExpiriesPerTick(1).budget(ticker);
        for (int i = 0; i < 3; i++) {
            Probe p = new Probe(i, log);
            p.at(10 * MS);
            wheel.schedule(p);
        }
        ticker.advance(10, TimeUnit.MILLISECONDS);
        long now = ticker.nanoTime();
        assertThat(wheel.advance(now, budget)).isEqualTo(1);
        assertThat(wheel.hasCarryOver()).isTrue();
        // The same time again: the carried-over entries go first, one per call, with the time of their call.
        assertThat(wheel.advance(now, budget)).isEqualTo(1);
        assertThat(wheel.advance(now, budget)).isEqualTo(1);
        assertThat(wheel.hasCarryOver()).isFalse();
        assertThat(wheel.advance(now, budget)).isZero();
        assertThat(log).extracting(e -> e[1]).containsOnly(10 * MS);
        assertThat(wheel.isEmpty()).isTrue();
        assertThat(wheel.expiredTotal()).isEqualTo(3);
        assertThat(wheel.carryOvers()).isEqualTo(2);
    }

    @Test
    void anEmptyWheelOnlyMovesItsCurrentTickAndNeverFiresEarlyAfterALongJump() {
        TimerWheel wheel = manual();
        assertThat(wheel.advance(3_600_000 * MS + 5 * MS, budget)).isZero();
        assertThat(wheel.currentTickTime()).isEqualTo(3_600_000 * MS);
        Probe a = new Probe(1, log);
        a.at(3_600_000 * MS + 15 * MS);
        wheel.schedule(a);
        assertThat(wheel.advance(3_600_000 * MS + 19 * MS, budget)).isZero();
        assertThat(wheel.currentTickTime()).isEqualTo(3_600_000 * MS + 10 * MS);
        assertThat(wheel.advance(3_600_000 * MS + 20 * MS, budget)).isEqualTo(1);
        assertThat(a.expiredAt).isEqualTo(3_600_000 * MS + 20 * MS);
    }

    @Test
    void aTickOutsideOneMillisecondToOneSecondIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TimerWheel(999_999L, 0)).withMessageContaining("allowed 1 ms .. 1 s");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TimerWheel(1_000_000_001L, 0)).withMessageContaining("allowed 1 ms .. 1 s");
    }

    /**
     * Thousands of random arms, re-arms (also from inside expiry callbacks, including exactly one wheel rotation
     * ahead), cancels and clock jumps, with a small expiry budget so that carry-overs happen, checked against a
     * reference model. For every armed entry the model keeps a window: never before its deadline (nor before the
     * first tick at or after it), and fired by the end of any advance that carried nothing over if its deadline's
     * tick, or the tick after the one the wheel could have processed when it was armed, has been reached.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {7, 11, 23, 42, 99, 1234, 20261125, 31337})
    void randomOperationsMatchASortedMapModel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TimerWheel wheel = manual();
        budget = CONFIG.withMaxExpiriesPerTick(50).budget(ticker);
        int n = 2_000;
        Probe[] probes = new Probe[n];
        TreeMap<Integer, long[]> model = new TreeMap<>(); // id -> {deadline, fire-by tick time}
        int[] expiries = {0};
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Probe p = new Probe(i, log);
            probes[i] = p;
            p.onExpire = () -> {
                long[] m = model.remove(p.id);
                try {
                    // The wheel catches what a callback throws, so failures are collected and asserted outside.
                    assertThat(m).as("entry %d expired but was not armed", p.id).isNotNull();
                    assertThat(p.expiredAt).as("never early").isGreaterThanOrEqualTo(m[0]);
                } catch (AssertionError e) {
                    failures.add(e);
                    return;
                }
                expiries[0]++;
                int choice = random.nextInt(4);
                if (choice == 0) {
                    return;
                }
                // Re-arm from the callback relative to the entry's own tick: exactly one rotation (256 ticks) ahead
                // lands in the slot being expired, which must not fire it now.
                long ownTick = Math.max(tickAtOrAfter(m[0]), 0);
                long delay = choice == 1 ? 256 * TICK : choice == 2 ? 0 : random.nextLong(0, 300_000) * MS;
                arm(wheel, p, ownTick + delay, p.expiredAt, model);
            };
        }
        boolean carried = false;
        for (int op = 0; op < 200_000; op++) {
            int r = random.nextInt(100);
            long now = ticker.nanoTime();
            if (r < 45) {
                int id = random.nextInt(n);
                long delay = random.nextInt(4) == 0 ? random.nextLong(0, 400_000) * MS : random.nextLong(-50, 5_000) * MS;
                arm(wheel, probes[id], now + delay, now, model);
            } else if (r < 60) {
                int id = random.nextInt(n);
                wheel.cancel(probes[id]);
                model.remove(id);
            } else {
                long step = random.nextInt(10) == 0 ? random.nextLong(0, 100_000) * MS : random.nextLong(0, 50) * MS;
                ticker.advance(step, TimeUnit.NANOSECONDS);
                long t = ticker.nanoTime();
                wheel.advance(t, budget);
                carried |= wheel.hasCarryOver();
                if (!wheel.hasCarryOver()) {
                    long processed = Math.floorDiv(t, TICK) * TICK;
                    for (var entry : model.entrySet()) {
                        assertThat(entry.getValue()[1]).as("entry %d is overdue (seed %d)", entry.getKey(), seed)
                                .isGreaterThan(processed);
                    }
                }
            }
            assertThat(failures).as("seed %d", seed).isEmpty();
            assertThat(wheel.size()).isEqualTo(model.size());
            int id = random.nextInt(n);
            assertThat(probes[id].isScheduled()).isEqualTo(model.containsKey(id));
        }
        assertThat(expiries[0]).isGreaterThan(10_000);
        assertThat(carried).as("the budget was exercised").isTrue();
    }

    /** Arms {@code p} and records its window in the model. */
    private static void arm(TimerWheel wheel, Probe p, long deadline, long armedAt, TreeMap<Integer, long[]> model) {
        p.at(deadline);
        wheel.schedule(p);
        long latestProcessedAtArm = Math.floorDiv(armedAt, TICK) * TICK;
        model.put(p.id, new long[] {deadline, Math.max(tickAtOrAfter(deadline), latestProcessedAtArm + TICK)});
    }

    private static long tickAtOrAfter(long nanos) {
        return -Math.floorDiv(-nanos, TICK) * TICK;
    }
}
