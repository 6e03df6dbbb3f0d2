package io.vigil.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel-schedule model against the figures measured on Linux 6.18 at HZ 250 (issue 10 and
 * reference/kernel-keepalive.md), and against a literal replay of {@code tcp_keepalive_timer} over the timer wheel
 * for every jiffies phase.
 */
class KernelScheduleTest {

    private static final KernelHz HZ250 = KernelHz.of(250);
    private static final long MS = 1_000_000L;

    private static KernelSchedule schedule(int idle, int interval, int probes, int userTimeoutMillis) {
        return KernelSchedule.of(new KernelKeepAlive(idle, interval, probes, userTimeoutMillis), HZ250);
    }

    @Test
    void wheelLevelsFollowCalcWheelIndex() {
        // LVL_START(n) = 63 << 3(n-1): 63, 504, 4032, 32256 jiffies; granularity 8^level.
        assertThat(KernelTimerWheel.level(62, 250)).isZero();
        assertThat(KernelTimerWheel.level(63, 250)).isEqualTo(1);
        assertThat(KernelTimerWheel.level(503, 250)).isEqualTo(1);
        assertThat(KernelTimerWheel.level(504, 250)).isEqualTo(2);
        assertThat(KernelTimerWheel.level(4031, 250)).isEqualTo(2);
        assertThat(KernelTimerWheel.level(4032, 250)).isEqualTo(3);
        assertThat(KernelTimerWheel.level(32256, 250)).isEqualTo(4);
        assertThat(KernelTimerWheel.level(Long.MAX_VALUE / 2, 250)).isEqualTo(8);
        assertThat(KernelTimerWheel.level(Long.MAX_VALUE / 2, 100)).isEqualTo(7);
        // A bucket fires at the next multiple of its granularity strictly after expires rounded down.
        assertThat(KernelTimerWheel.fireJiffy(1000, 62, 250)).isEqualTo(1001);
        assertThat(KernelTimerWheel.fireJiffy(1000, 63, 250)).isEqualTo(1008);
        assertThat(KernelTimerWheel.fireJiffy(1007, 63, 250)).isEqualTo(1008);
        assertThat(KernelTimerWheel.fireJiffy(1008, 63, 250)).isEqualTo(1016);
        assertThat(KernelTimerWheel.fireJiffy(1000, 504, 250)).isEqualTo(1024);
    }

    @Test
    void userTimeoutIsRoundedUpToJiffiesLikeMsecsToJiffies() {
        assertThat(KernelTimerWheel.msecsToJiffies(4015, 250)).isEqualTo(1004);
        assertThat(KernelTimerWheel.msecsToJiffies(9040, 250)).isEqualTo(2260);
        assertThat(KernelTimerWheel.msecsToJiffies(4, 250)).isEqualTo(1);
        assertThat(KernelTimerWheel.msecsToJiffies(5, 250)).isEqualTo(2);
        assertThat(KernelTimerWheel.msecsToJiffies(1, 300)).isEqualTo(1);
        assertThat(KernelTimerWheel.msecsToJiffies(1000, 300)).isEqualTo(300);
        assertThat(KernelTimerWheel.msecsToJiffies(Integer.MAX_VALUE, 1000)).isEqualTo(Integer.MAX_VALUE);
        assertThat(schedule(3, 3, 3, 9040).userTimeoutJiffies()).isEqualTo(2260);
    }

    @Test
    void probeSpacingIsTheMeasuredOneAtOneTwoAndThreeSeconds() {
        // Measured: 1.024 s, 2.016 s, 3.072 s.
        assertThat(schedule(2, 1, 3, 0).probeSpacingNanos()).isEqualTo(1_024 * MS);
        assertThat(schedule(2, 2, 3, 0).probeSpacingNanos()).isEqualTo(2_016 * MS);
        assertThat(schedule(2, 3, 3, 0).probeSpacingNanos()).isEqualTo(3_072 * MS);
        assertThat(KernelSchedule.of(new KernelKeepAlive(2, 1, 3, 0), KernelHz.of(1000)).probeSpacingNanos())
                .isEqualTo(1_024 * MS);
        assertThat(KernelSchedule.of(new KernelKeepAlive(2, 1, 3, 0), KernelHz.of(100)).probeSpacingNanos())
                .isEqualTo(1_040 * MS);
    }

    @Test
    void firstProbeLatenessCoversTheMeasuredRanges() {
        // A 3-4 s idle fired up to 250 ms late; a 19-20 s idle 0.48-1.39 s late.
        for (int idle : new int[] {3, 4}) {
            KernelSchedule s = schedule(idle, 1, 3, 0);
            assertThat(s.firstProbeGranularityNanos()).isEqualTo(256 * MS);
            // In jiffies the first probe is never early; in real time it can precede lastRx + idle by under a
            // jiffy, since the segment came within its jiffy.
            assertThat(s.probeEarliestNanos(0)).isEqualTo((idle * 1000 - 4) * MS);
            assertThat(s.probeLatestNanos(0)).isEqualTo((idle * 1000 + 256) * MS);
        }
        for (int idle : new int[] {19, 20}) {
            KernelSchedule s = schedule(idle, 1, 3, 0);
            assertThat(s.firstProbeGranularityNanos()).isEqualTo(2_048 * MS);
            assertThat(s.probeEarliestNanos(0) - idle * 1000 * MS).isLessThanOrEqualTo(480 * MS);
            assertThat(s.probeLatestNanos(0) - idle * 1000 * MS).isGreaterThanOrEqualTo(1_390 * MS);
        }
    }

    @Test
    void silentPeerWithoutUserTimeoutMatchesTheMeasuredTimeline() {
        // Measured 2/1/3: probes at +2.02, +3.05, +4.07 s, ETIMEDOUT at +5.06 s.
        KernelSchedule s = schedule(2, 1, 3, 0);
        assertWithin(s.probeEarliestNanos(0), s.probeLatestNanos(0), 2_020);
        assertWithin(s.probeEarliestNanos(1), s.probeLatestNanos(1), 3_050);
        assertWithin(s.probeEarliestNanos(2), s.probeLatestNanos(2), 4_070);
        assertWithin(s.verdictEarliestNanos(), s.verdictLatestNanos(), 5_060);
        assertThat(s.probesMin()).isEqualTo(3);
        assertThat(s.probesMax()).isEqualTo(3);
        assertThat(s.verdictLatestNanos()).isEqualTo(5_104 * MS);
        assertThatThrownBy(() -> s.probeLatestNanos(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k = 3 is out of range: allowed 0 .. 2 (the probes sent to a silent peer)");
    }

    @Test
    void offGridUserTimeoutsGiveUpOneExpiryEarlyAsMeasured() {
        // idle 3 / interval 3 / 3 probes / uto 9.04 s: the kernel gave up at 9.3 s (the formula says 12 s).
        KernelSchedule a = schedule(3, 3, 3, 9040);
        assertWithin(a.verdictEarliestNanos(), a.verdictLatestNanos(), 9_300);
        assertThat(a.probesMin()).isEqualTo(2);
        assertThat(a.probesMax()).isEqualTo(2);
        assertThat(a.nominalVerdictNanos()).isEqualTo(12_000 * MS);
        // 2/1/3/uto 4.015 s: gave up at 4.05 s (formula: 5 s).
        KernelSchedule b = schedule(2, 1, 3, 4015);
        assertWithin(b.verdictEarliestNanos(), b.verdictLatestNanos(), 4_050);
        assertThat(b.probesMax()).isEqualTo(2);
        assertThat(b.verdictLatestNanos()).isLessThan(b.nominalVerdictNanos());
        // 4/2/2/uto 6.002 s: the first interval expiry already exceeds 6.002 s: one probe, about 6.0 - 6.3 s.
        KernelSchedule c = schedule(4, 2, 2, 6002);
        assertThat(c.probesMax()).isEqualTo(1);
        assertThat(c.verdictMinJiffies()).isEqualTo(c.userTimeoutJiffies() + 1);
        assertThat(c.verdictEarliestNanos()).isGreaterThanOrEqualTo(6_000 * MS);
        assertThat(c.verdictLatestNanos()).isLessThanOrEqualTo(6_300 * MS);
        assertThat(c.nominalVerdictNanos()).isEqualTo(8_000 * MS);
    }

    @Test
    void aUserTimeoutWithinTheLatenessWindowMakesThePhaseDecide() {
        // Expiry 2 of 3/3 comes 9.08 .. 9.40 s after the last segment: a 9.2 s user timeout ends it there or at
        // expiry 3, 12.3 s, depending on the jiffies phase.
        KernelSchedule s = schedule(3, 3, 3, 9200);
        assertThat(s.probesMin()).isEqualTo(2);
        assertThat(s.probesMax()).isEqualTo(3);
        assertThat(s.verdictMinJiffies()).isEqualTo(2300);
        assertThat(s.verdictMaxJiffies()).isEqualTo(2300 - 1 + 768);
    }

    @Test
    void theDefaultPolicyLandsUpToTwoAndAHalfSecondsLate() {
        KernelSchedule s = schedule(30, 10, 3, 60_000);
        assertThat(s.firstProbeGranularityNanos()).isEqualTo(2_048 * MS);
        assertThat(s.verdictEarliestNanos()).isGreaterThanOrEqualTo(60_000 * MS);
        assertThat(s.verdictLatestNanos()).isBetween(62_000 * MS, 63_000 * MS);
        assertThat(s.toString()).contains("probes every 10240.000 ms").contains("(nominal 60000 ms)");
    }

    @Test
    void exactExpiriesForAKnownPhase() {
        KernelSchedule s = schedule(2, 1, 3, 0);
        // Armed at the last segment (a whole idle ahead), R a multiple of 8: 500 -> bucket 504 (level 1).
        assertThat(s.expiryJiffies(0, 8_000, 8_500, 500)).isEqualTo(504);
        assertThat(s.expiryJiffies(1, 8_000, 8_500, 500)).isEqualTo(504 + 256);
        assertThat(s.expiryJiffies(3, 8_000, 8_500, 500)).isEqualTo(504 + 3 * 256);
        assertThat(s.verdictExpiry(8_000, 8_500, 500)).isEqualTo(3);
        // Armed at connection 4 jiffies before the last segment: its bucket (8504) is exactly lastRx + idle.
        assertThat(s.expiryJiffies(0, 8_004, 8_500, 500)).isEqualTo(500);
        assertThatThrownBy(() -> s.expiryJiffies(0, 0, 500, 501))
                .hasMessage("armedAhead = 501 jiffies is out of range: allowed 0 .. 500 jiffies");
        assertThatThrownBy(() -> s.expiryJiffies(0, 8_000, 8_100, 500)).hasMessage("armedFor = lastRx + 100"
                + " jiffies fires at lastRx + 104 jiffies: not the first probe (that needs armedFor <= lastRx + idle"
                + " <= its fire jiffy, idle = 500 jiffies)");
    }

    /** A set of policies replayed against the literal kernel logic at several tick rates. */
    @Test
    void boundsAreExactOverEveryPhaseOfALiteralReplay() {
        int[][] policies = {
            {2, 1, 3, 0}, {3, 3, 3, 9040}, {2, 1, 3, 4015}, {4, 2, 2, 6002}, {1, 1, 1, 0}, {3, 2, 4, 0},
            {2, 2, 100, 5000}, {5, 1, 5, 7100}, {1, 2, 3, 0}, {3, 3, 3, 9200}, {2, 1, 3, 8000}, {3, 2, 100, 1000},
        };
        for (int hz : new int[] {250, 100, 300, 1000}) {
            for (int[] p : policies) {
                replay(new KernelKeepAlive(p[0], p[1], p[2], p[3]), hz);
            }
        }
        replay(new KernelKeepAlive(20, 1, 3, 0), 250);
        replay(new KernelKeepAlive(19, 2, 2, 23_100), 250);
    }

    /**
     * Replays {@code tcp_keepalive_timer} (connect at jiffy C, arming a whole idle ahead; the last segment at R,
     * {@code 0 <= R - C <= idle}) for every phase of R over the largest granularity in play and every C, and checks
     * every expiry against the bounds, the exact method against the replay, and that the bounds are attained.
     */
    private static void replay(KernelKeepAlive k, int hz) {
        KernelSchedule s = KernelSchedule.of(k, KernelHz.of(hz));
        long idle = k.idleSeconds() * (long) hz;
        long phases = Math.max(64, KernelTimerWheel.granularity(KernelTimerWheel.level(idle, hz)));
        long step = Math.max(1, idle / 600);
        long base = (1L << 32) - 300L * hz;
        long seenMin = Long.MAX_VALUE;
        long seenMax = Long.MIN_VALUE;
        for (long r = base; r < base + phases; r++) {
            for (long x = 0; x <= idle; x += step) {
                Replay run = Replay.of(k, hz, r - x, r);
                String what = k + " at HZ " + hz + ", R " + r + ", connect R-" + x;
                assertThat((long) run.probes.size()).as(what).isBetween(s.probesMin(), s.probesMax());
                for (int i = 0; i < run.probes.size(); i++) {
                    assertThat(run.probes.get(i)).as(what + ", probe " + i)
                            .isBetween(s.probeMinJiffies(i), s.probeMaxJiffies(i))
                            .isEqualTo(s.expiryJiffies(i, r, run.armedFor, run.armedAhead));
                }
                assertThat(run.verdict).as(what).isBetween(s.verdictMinJiffies(), s.verdictMaxJiffies())
                        .isEqualTo(s.expiryJiffies(run.probes.size(), r, run.armedFor, run.armedAhead));
                assertThat(s.verdictExpiry(r, run.armedFor, run.armedAhead)).as(what).isEqualTo(run.probes.size());
                assertThat(s.verdictExpiryArmedAt(r, r - x)).as(what).isEqualTo(run.probes.size());
                assertThat(s.expiryJiffiesArmedAt(run.probes.size(), r, r - x)).as(what).isEqualTo(run.verdict);
                assertThat(s.expiryJiffiesArmedAt(0, r, r - x)).as(what).isEqualTo(run.probes.get(0));
                seenMin = Math.min(seenMin, run.verdict);
                seenMax = Math.max(seenMax, run.verdict);
            }
        }
        assertThat(seenMax).as("worst case attained: %s at HZ %d", k, hz).isEqualTo(s.verdictMaxJiffies());
        if (step == 1) {
            assertThat(seenMin).as("best case attained: %s at HZ %d", k, hz).isEqualTo(s.verdictMinJiffies());
        }
    }

    /** The kernel's keepalive timer, line by line, over the wheel arithmetic; receipts at C and R only. */
    private record Replay(List<Long> probes, long verdict, long armedFor, long armedAhead) {
        static Replay of(KernelKeepAlive k, int hz, long connect, long lastRx) {
            long idle = k.idleSeconds() * (long) hz;
            long interval = k.intervalSeconds() * (long) hz;
            long uto = k.userTimeoutMillis() == 0 ? 0 : KernelTimerWheel.msecsToJiffies(k.userTimeoutMillis(), hz);
            // tcp_finish_connect, outside the timer softirq: the wheel clock is jiffies.
            long ahead = idle;
            long armedFor = connect + idle;
            long fire = KernelTimerWheel.fireJiffy(connect + idle, idle, hz);
            List<Long> probes = new ArrayList<>();
            while (true) {
                long now = fire;
                long elapsed = now - (now >= lastRx ? lastRx : connect);
                if (elapsed < idle) {
                    long t = idle - elapsed;
                    if (probes.isEmpty()) {
                        ahead = t - 1;
                        armedFor = now + t;
                    }
                    fire = KernelTimerWheel.fireJiffy(now + t, t - 1, hz);
                    continue;
                }
                boolean giveUp = uto != 0 ? elapsed >= uto && !probes.isEmpty() : probes.size() >= k.probes();
                if (giveUp) {
                    return new Replay(probes, now - lastRx, armedFor, ahead);
                }
                probes.add(now - lastRx);
                fire = KernelTimerWheel.fireJiffy(now + interval, interval - 1, hz);
            }
        }
    }

    private static void assertWithin(long earliest, long latest, long measuredMillis) {
        assertThat(measuredMillis * MS).as("measured %d ms within [%d, %d] ns", measuredMillis, earliest, latest)
                .isBetween(earliest, latest);
    }
}
