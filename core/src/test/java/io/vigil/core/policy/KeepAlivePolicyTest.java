package io.vigil.core.policy;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofNanos;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeepAlivePolicyTest {

    @Test
    void defaultsAreThirtyTenThreeWithDefaultUserTimeout() {
        KeepAlivePolicy p = KeepAlivePolicy.defaults();
        assertThat(p.idle()).isEqualTo(ofSeconds(30));
        assertThat(p.interval()).isEqualTo(ofSeconds(10));
        assertThat(p.probes()).isEqualTo(3);
        assertThat(p.userTimeout()).isEqualTo(ofSeconds(60));
        assertThat(p.isUserTimeoutDefault()).isTrue();
        assertThat(p.proofOfLife()).isEqualTo(ProofOfLife.ANY_MESSAGE);
        assertThat(p.silentPeerVerdict()).isEqualTo(ofSeconds(60));
        assertThat(p.isKernelRepresentable()).isTrue();
    }

    @Test
    void defaultUserTimeoutFollowsIdleProbesAndInterval() {
        KeepAlivePolicy p = KeepAlivePolicy.builder().idle(ofSeconds(2)).interval(ofSeconds(1)).probes(3).build();
        assertThat(p.userTimeout()).isEqualTo(ofSeconds(5));
        assertThat(p.toBuilder().probes(5).build().userTimeout()).isEqualTo(ofSeconds(7));
        assertThat(p.toBuilder().userTimeout(ofSeconds(9)).defaultUserTimeout().build()).isEqualTo(p);
    }

    @Test
    void valueSemantics() {
        KeepAlivePolicy a = KeepAlivePolicy.builder().idle(ofMillis(1500)).interval(ofMillis(500)).probes(4).build();
        KeepAlivePolicy b = KeepAlivePolicy.builder().idle(ofMillis(1500)).interval(ofMillis(500)).probes(4).build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toBuilder().build()).isEqualTo(a);
        assertThat(a).isNotEqualTo(a.toBuilder().probes(5).build());
        assertThat(a).isNotEqualTo(a.toBuilder().proofOfLife(ProofOfLife.ANY_MESSAGE_EXCEPT_PEER_PROBES).build());
        // The same user timeout value, explicit rather than default, is a different policy: it no longer follows.
        assertThat(a).isNotEqualTo(a.toBuilder().userTimeout(a.userTimeout()).build());
        assertThat(a.toString()).isEqualTo("KeepAlivePolicy(idle 1500 ms, interval 500 ms, probes 4, userTimeout"
                + " 3500 ms (default), proofOfLife ANY_MESSAGE; silent peer dead after 3500 ms)");
        assertThat(a.toBuilder().userTimeout(ZERO).build().toString()).contains("userTimeout off");
    }

    @Test
    void eachInvalidFieldIsNamedWithValueRangeAndUnit() {
        assertThatThrownBy(() -> KeepAlivePolicy.builder().idle(ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idle = 0 s is out of range: allowed 1 ms .. 32767 s");
        assertThatThrownBy(() -> KeepAlivePolicy.builder().idle(ofSeconds(32768)))
                .hasMessage("idle = 32768 s is out of range: allowed 1 ms .. 32767 s");
        assertThatThrownBy(() -> KeepAlivePolicy.builder().idle(ofNanos(999_999)))
                .hasMessage("idle = 0.999999 ms is out of range: allowed 1 ms .. 32767 s");
        assertThatThrownBy(() -> KeepAlivePolicy.builder().interval(ofMillis(-5)))
                .hasMessage("interval = -5 ms is out of range: allowed 1 ms .. 32767 s");
        assertThatThrownBy(() -> KeepAlivePolicy.builder().probes(0))
                .hasMessage("probes = 0 probes is out of range: allowed 1 .. 127 probes");
        assertThatThrownBy(() -> KeepAlivePolicy.builder().probes(128))
                .hasMessage("probes = 128 probes is out of range: allowed 1 .. 127 probes");
        assertThatThrownBy(() -> KeepAlivePolicy.builder().userTimeout(ofMillis(-1)))
                .hasMessage("userTimeout = -1 ms is out of range: allowed 1 ms .. 2147483647 ms");
        assertThatThrownBy(() -> KeepAlivePolicy.builder().userTimeout(ofMillis(Integer.MAX_VALUE + 1L)))
                .hasMessage("userTimeout = 2147483648 ms is out of range: allowed 1 ms .. 2147483647 ms");
        assertThatThrownBy(() -> KeepAlivePolicy.builder().idle(null))
                .isInstanceOf(NullPointerException.class).hasMessage("idle");
    }

    @Test
    void aRejectedValueLeavesTheBuilderAsItWas() {
        KeepAlivePolicy.Builder b = KeepAlivePolicy.builder().idle(ofSeconds(4));
        assertThatThrownBy(() -> b.idle(ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.build().idle()).isEqualTo(ofSeconds(4));
    }

    @Test
    void aDefaultUserTimeoutBeyondTheKernelRangeIsReportedWithItsParts() {
        assertThatThrownBy(() -> KeepAlivePolicy.builder()
                .idle(ofSeconds(32767)).interval(ofSeconds(32767)).probes(127).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("userTimeout (default: idle + probes × interval = 32767 s + 127 × 32767 s = 4194176 s)"
                        + " is out of range: allowed 1 ms .. 2147483647 ms; set userTimeout explicitly or shorten"
                        + " idle, interval or probes");
        // Explicitly set, it is fine.
        KeepAlivePolicy p = KeepAlivePolicy.builder().idle(ofSeconds(32767)).interval(ofSeconds(32767)).probes(127)
                .userTimeout(ofMillis(Integer.MAX_VALUE)).build();
        assertThat(p.userTimeoutNanos()).isEqualTo(Integer.MAX_VALUE * 1_000_000L);
    }

    @Test
    void silentPeerVerdictFollowsTheKernel() {
        // Measured on Linux 6.18 (reference/kernel-keepalive.md §3): idle/intvl/cnt/uto -> probes, close time.
        assertVerdict(2, 1, 3, 0, 3, 5_000);
        assertVerdict(2, 2, 100, 5_000, 2, 6_000);
        assertVerdict(3, 2, 100, 1_000, 1, 5_000);
        assertVerdict(2, 1, 3, 5_000, 3, 5_000);
        assertVerdict(2, 1, 3, 8_000, 6, 8_000);
        assertVerdict(3, 2, 4, 0, 4, 11_000);
    }

    private static void assertVerdict(int idle, int interval, int probes, int utoMillis, long expectProbes,
                                      long expectMillis) {
        KeepAlivePolicy p = KeepAlivePolicy.builder().idle(ofSeconds(idle)).interval(ofSeconds(interval))
                .probes(probes).userTimeout(ofMillis(utoMillis)).build();
        assertThat(p.silentPeerVerdict()).as(p.toString()).isEqualTo(ofMillis(expectMillis));
        assertThat(p.silentPeerProbes()).as(p.toString()).isEqualTo(expectProbes);
        assertThat(p.toKernel(KernelRounding.REJECT).silentPeerVerdictMillis()).isEqualTo(expectMillis);
    }

    private static final KernelHz HZ250 = KernelHz.of(250);

    @Test
    void deadWithinPlansWholeSecondsWhoseKernelVerdictFitsTheBudget() {
        KeepAlivePolicy p = KeepAlivePolicy.deadWithin(ofSeconds(60), HZ250);
        assertThat(p).isEqualTo(KeepAlivePolicy.builder()
                .idle(ofSeconds(27)).interval(ofSeconds(10)).probes(3).build());
        assertThat(p.kernelSchedule(HZ250).verdictLatest()).isEqualTo(ofMillis(59_768));
        assertThat(p.silentPeerVerdict()).isEqualTo(ofSeconds(57));
        // The nominal 30 s / 10 s would land up to 62.768 s after the last segment.
        assertThat(KeepAlivePolicy.defaults().kernelSchedule(HZ250).verdictLatest()).isEqualTo(ofMillis(62_768));
        assertThat(KeepAlivePolicy.deadWithin(ofSeconds(5), HZ250))
                .isEqualTo(KeepAlivePolicy.builder().idle(ofSeconds(1)).interval(ofSeconds(1)).probes(3).build());
        assertThat(KeepAlivePolicy.deadWithin(ofSeconds(30), HZ250))
                .isEqualTo(KeepAlivePolicy.builder().idle(ofSeconds(14)).interval(ofSeconds(5)).probes(3).build());
        KeepAlivePolicy fiveMinutes = KeepAlivePolicy.deadWithin(ofSeconds(300), HZ250);
        assertThat(fiveMinutes).isEqualTo(KeepAlivePolicy.builder()
                .idle(ofSeconds(130)).interval(ofSeconds(50)).probes(3).build());
        assertThat(fiveMinutes.kernelSchedule(HZ250).verdictLatest()).isEqualTo(ofMillis(299_984));
        KeepAlivePolicy odd = KeepAlivePolicy.deadWithin(ofMillis(6_500), HZ250);
        assertThat(odd.idle()).isEqualTo(ofSeconds(3));
        assertThat(odd.interval()).isEqualTo(ofSeconds(1));
        assertThat(odd.kernelSchedule(HZ250).verdictLatest()).isEqualTo(ofMillis(6_328));
        assertThat(KeepAlivePolicy.deadWithin(ofHours(18), HZ250).idle()).isEqualTo(ofSeconds(29_148));
        // The shortest whole-second plan: 1 s / 1 s / 3 probes, kernel verdict up to 4.104 s.
        assertThat(KeepAlivePolicy.deadWithin(ofMillis(4_104), HZ250).isKernelRepresentable()).isTrue();
        assertThat(KeepAlivePolicy.deadWithin(ofMillis(4_103), HZ250).isKernelRepresentable()).isFalse();
    }

    @Test
    void deadWithinKeepsSubSecondPrecisionBelowTheShortestKernelPlan() {
        KeepAlivePolicy p = KeepAlivePolicy.deadWithin(ofMillis(600), HZ250);
        assertThat(p.interval()).isEqualTo(ofMillis(100));
        assertThat(p.idle()).isEqualTo(ofMillis(300));
        assertThat(p.silentPeerVerdict()).isEqualTo(ofMillis(600));
        assertThat(p.isKernelRepresentable()).isFalse();
    }

    @Test
    void deadWithinHoldsForTheKernelForRandomBudgets() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 4_000; i++) {
            KernelHz hz = KernelHz.of(new int[] {100, 250, 300, 1000}[i % 4]);
            long budget = random.nextLong(KeepAlivePolicy.MIN_BUDGET.toNanos(), KeepAlivePolicy.MAX_BUDGET.toNanos() + 1);
            if (i % 2 == 0) {
                budget = random.nextLong(KeepAlivePolicy.MIN_BUDGET.toNanos(), 400_000_000_000L);
            }
            KeepAlivePolicy p = KeepAlivePolicy.deadWithin(ofNanos(budget), hz);
            long verdict = p.silentPeerVerdict().toNanos();
            assertThat(p.probes()).isEqualTo(3);
            assertThat(p.isUserTimeoutDefault()).isTrue();
            assertThat(verdict).as("budget %d ns", budget).isLessThanOrEqualTo(budget);
            if (p.isKernelRepresentable()) {
                long seconds = budget / 1_000_000_000L;
                assertThat(p.interval()).as("budget %d ns", budget).isEqualTo(ofSeconds(Math.max(1, seconds / 6)));
                assertThat(p.kernelSchedule(hz).verdictLatestNanos()).as("budget %d ns", budget)
                        .isLessThanOrEqualTo(budget);
                KeepAlivePolicy longer = p.toBuilder().idle(p.idle().plusSeconds(1)).build();
                assertThat(longer.kernelSchedule(hz).verdictLatestNanos()).as("idle is the largest that fits")
                        .isGreaterThan(budget);
            } else {
                assertThat(budget).isLessThan(KeepAlivePolicy.deadWithin(ofSeconds(1), hz).idle().toNanos()
                        + KeepAlivePolicy.builder().idle(ofSeconds(1)).interval(ofSeconds(1)).build()
                                .kernelSchedule(hz).verdictLatestNanos());
                assertThat(p.interval().toNanos()).isEqualTo(budget / 6);
                assertThat(verdict).isGreaterThan(budget - 6);
            }
        }
    }

    @Test
    void offGridUserTimeoutsAreReportedWhereTheKernelReallyGivesUp() {
        KeepAlivePolicy p = KeepAlivePolicy.builder().idle(ofSeconds(3)).interval(ofSeconds(3)).probes(3)
                .userTimeout(ofMillis(9_040)).build();
        assertThat(p.silentPeerVerdict()).isEqualTo(ofSeconds(12));
        assertThatThrownBy(() -> p.requireUserTimeoutOnKernelGrid(HZ250))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("userTimeout = 9040 ms is off the kernel's probe grid (idle 3 s, interval 3 s, HZ 250):"
                        + " the kernel gives up after 2 probes, 9076.000 ms .. 9400.000 ms after the last segment,"
                        + " not after 3 probes at 12 s as idle + k × interval says; use userTimeout 9 s or 12 s, or"
                        + " snapUserTimeoutToKernelGrid(hz)");
        KeepAlivePolicy snapped = p.snapUserTimeoutToKernelGrid(HZ250);
        assertThat(snapped.userTimeout()).isEqualTo(ofSeconds(9));
        assertThat(snapped.silentPeerVerdict()).isEqualTo(ofSeconds(9));
        assertThat(snapped.requireUserTimeoutOnKernelGrid(HZ250)).isSameAs(snapped);
        assertThat(snapped.snapUserTimeoutToKernelGrid(HZ250)).isSameAs(snapped);
        // Where the phase decides (9.2 s: 2 or 3 probes), the message says so.
        assertThatThrownBy(() -> p.toBuilder().userTimeout(ofMillis(9_200)).build()
                .requireUserTimeoutOnKernelGrid(HZ250))
                .hasMessageContaining("the kernel gives up after 2 or 3 probes (depending on the jiffies phase),"
                        + " 9196.000 ms .. 12268.000 ms after the last segment");
        // On-grid and default user timeouts pass.
        assertThat(KeepAlivePolicy.defaults().requireUserTimeoutOnKernelGrid(HZ250))
                .isSameAs(KeepAlivePolicy.defaults());
        KeepAlivePolicy onGrid = p.toBuilder().userTimeout(ofSeconds(6)).build();
        assertThat(onGrid.requireUserTimeoutOnKernelGrid(HZ250)).isSameAs(onGrid);
    }

    @Test
    void aUserTimeoutThatNoGridValueFixesIsRefusedWithWhere() {
        // A 20 s idle on the 2.048 s wheel level with 1 s probes: expiries come more than an interval late.
        KeepAlivePolicy p = KeepAlivePolicy.builder().idle(ofSeconds(20)).interval(ofSeconds(1)).probes(3)
                .userTimeout(ofMillis(22_500)).build();
        assertThatThrownBy(() -> p.snapUserTimeoutToKernelGrid(HZ250))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("userTimeout = 22500 ms cannot be snapped to the kernel's probe grid (idle"
                        + " 20 s, interval 1 s, HZ 250): the kernel's expiries come more than an interval late, so"
                        + " even at 22 s the kernel gives up after 1 or 2 probes")
                .hasMessageEndingWith("; shorten idle or lengthen interval");
    }

    @Test
    void deadWithinRejectsBudgetsOutOfRange() {
        assertThatThrownBy(() -> KeepAlivePolicy.deadWithin(ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("budget = 5 ms is out of range: allowed 6 ms .. 64800 s");
        assertThatThrownBy(() -> KeepAlivePolicy.deadWithin(ofHours(19)))
                .hasMessage("budget = 68400 s is out of range: allowed 6 ms .. 64800 s");
    }

    @Test
    void kernelViewOfAWholeSecondPolicy() {
        KeepAlivePolicy p = KeepAlivePolicy.builder().idle(ofSeconds(2)).interval(ofSeconds(1)).probes(3).build();
        assertThat(p.toKernel(KernelRounding.REJECT)).isEqualTo(new KernelKeepAlive(2, 1, 3, 5000));
        assertThat(p.toBuilder().userTimeout(ZERO).build().toKernel(KernelRounding.REJECT))
                .isEqualTo(new KernelKeepAlive(2, 1, 3, 0));
        assertThat(p.toBuilder().userTimeout(ofMillis(4321)).build().toKernel(KernelRounding.REJECT))
                .isEqualTo(new KernelKeepAlive(2, 1, 3, 4321));
    }

    @Test
    void subSecondValuesAreRejectedForTheKernelWithTheRoundingOnOffer() {
        KeepAlivePolicy p = KeepAlivePolicy.builder().idle(ofMillis(1500)).interval(ofSeconds(1)).probes(3).build();
        assertThat(p.isKernelRepresentable()).isFalse();
        assertThatThrownBy(() -> p.toKernel(KernelRounding.REJECT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idle = 1500 ms cannot be applied to the kernel: TCP_KEEPIDLE takes whole seconds"
                        + " (1 .. 32767 s); use whole seconds or KernelRounding.ROUND_UP (-> 2 s)");
        KeepAlivePolicy q = KeepAlivePolicy.builder().idle(ofSeconds(1)).interval(ofMillis(250)).probes(3).build();
        assertThatThrownBy(() -> q.toKernel(KernelRounding.REJECT))
                .hasMessage("interval = 250 ms cannot be applied to the kernel: TCP_KEEPINTVL takes whole seconds"
                        + " (1 .. 32767 s); use whole seconds or KernelRounding.ROUND_UP (-> 1 s)");
        KeepAlivePolicy r = KeepAlivePolicy.builder().idle(ofSeconds(1)).interval(ofSeconds(1))
                .userTimeout(ofNanos(1_500_500_000L)).build();
        assertThatThrownBy(() -> r.toKernel(KernelRounding.REJECT))
                .hasMessage("userTimeout = 1500.5 ms cannot be applied to the kernel: TCP_USER_TIMEOUT takes whole"
                        + " milliseconds (0 .. 2147483647 ms); use whole milliseconds or KernelRounding.ROUND_UP"
                        + " (-> 1501 ms)");
    }

    @Test
    void roundUpRoundsUpAndKeepsTheDefaultUserTimeoutConsistent() {
        KeepAlivePolicy p = KeepAlivePolicy.builder().idle(ofMillis(1500)).interval(ofMillis(200)).probes(3).build();
        KernelKeepAlive k = p.toKernel(KernelRounding.ROUND_UP);
        assertThat(k).isEqualTo(new KernelKeepAlive(2, 1, 3, 5000));
        assertThat(k.silentPeerVerdictMillis()).isGreaterThanOrEqualTo(p.silentPeerVerdict().toMillis());
        KeepAlivePolicy explicit = p.toBuilder().userTimeout(ofNanos(2_100_000_001L)).build();
        assertThat(explicit.toKernel(KernelRounding.ROUND_UP).userTimeoutMillis()).isEqualTo(2101);
    }

    @Test
    void kernelKeepAliveChecksTheKernelRanges() {
        assertThatThrownBy(() -> new KernelKeepAlive(0, 1, 1, 0))
                .hasMessage("TCP_KEEPIDLE = 0 s is out of range: allowed 1 .. 32767 s");
        assertThatThrownBy(() -> new KernelKeepAlive(1, 32768, 1, 0))
                .hasMessage("TCP_KEEPINTVL = 32768 s is out of range: allowed 1 .. 32767 s");
        assertThatThrownBy(() -> new KernelKeepAlive(1, 1, 128, 0))
                .hasMessage("TCP_KEEPCNT = 128 probes is out of range: allowed 1 .. 127 probes");
        assertThatThrownBy(() -> new KernelKeepAlive(1, 1, 1, -1))
                .hasMessage("TCP_USER_TIMEOUT = -1 ms is out of range: allowed 0 .. 2147483647 ms");
    }

    @Test
    void durationsFormatExactlyInSecondsOrMilliseconds() {
        assertThat(Limits.format(Duration.ofSeconds(3))).isEqualTo("3 s");
        assertThat(Limits.format(Duration.ofMillis(3))).isEqualTo("3 ms");
        assertThat(Limits.format(Duration.ofMillis(5000))).isEqualTo("5 s");
        assertThat(Limits.format(Duration.ofNanos(3000))).isEqualTo("0.003 ms");
        assertThat(Limits.format(Duration.ofNanos(3))).isEqualTo("0.000003 ms");
        assertThat(DurationFormat.formatNanos(5_030_250_000L)).isEqualTo("5030.25 ms");
        assertThat(DurationFormat.formatNanos(-1_500_000L)).isEqualTo("-1.5 ms");
        assertThat(DurationFormat.formatNanos(-500_000L)).isEqualTo("-0.5 ms");
        assertThat(DurationFormat.formatNanos(0)).isEqualTo("0 s");
        // Beyond a long of nanoseconds: exact text, no ArithmeticException (issue 13, failure 8).
        assertThat(DurationFormat.format(Duration.ofSeconds(Long.MAX_VALUE, 5)))
                .isEqualTo("9223372036854775807000.000005 ms");
        assertThat(DurationFormat.format(Duration.ofSeconds(Long.MIN_VALUE, 5)))
                .isEqualTo("-9223372036854775807999.999995 ms");
        assertThatThrownBy(() -> KeepAlivePolicy.builder().idle(Duration.ofSeconds(Long.MAX_VALUE, 5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idle = 9223372036854775807000.000005 ms is out of range: allowed 1 ms .. 32767 s");
    }
}
