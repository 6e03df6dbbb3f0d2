package io.vigil.core.machine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.event.DeathReason;
import io.vigil.core.policy.KeepAlivePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The kernel's timelines (KEEPALIVE-SPEC.md, reference/kernel-keepalive.md §6.4) reproduced on the pure state machine
 * with a hand-driven clock: the timer fires exactly at each deadline, inbound messages arrive at given times.
 */
class HealthStateMachineTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** A machine not held by any timer: the test plays the timer. */
    static final class Machine extends HealthStateMachine {
        final List<String> transitions = new ArrayList<>();

        @Override
        protected void onTimerExpired(long now) {
            throw new AssertionError("the test drives ticks itself");
        }

        @Override
        protected void onTransition(HealthState from, HealthState to) {
            assertThat(from).isNotEqualTo(to);
            assertThat(state()).as("the state is already the new one").isEqualTo(to);
            transitions.add(from + "->" + to);
        }
    }

    /** A fresh snapshot of a channel whose latest inbound stamp is {@code latestInbound}. */
    static ChannelSnapshot seen(long latestInbound) {
        return new ChannelSnapshot().reset(latestInbound);
    }

    /** What happened in a simulated run. */
    record Run(List<Long> probes, List<Long> acks, long verdictAt, DeathReason reason) {
    }

    private static KeepAlivePolicy policy(long idleMs, long intervalMs, int probes, long utoMs) {
        KeepAlivePolicy.Builder b = KeepAlivePolicy.builder()
                .idle(Duration.ofMillis(idleMs)).interval(Duration.ofMillis(intervalMs)).probes(probes);
        if (utoMs >= 0) {
            b.userTimeout(Duration.ofMillis(utoMs));
        }
        return b.build();
    }

    /**
     * Runs a connection that is never busy: activation at 0, inbound messages at the given times (ascending), ticks at
     * each deadline. An inbound message at the same instant as a tick is processed first.
     */
    private static Run run(KeepAlivePolicy p, long... inbound) {
        Machine m = new Machine();
        m.activate(p, 0);
        List<Long> probes = new ArrayList<>();
        List<Long> acks = new ArrayList<>();
        int next = 0;
        for (int steps = 0; steps < 100_000; steps++) {
            long tick = m.deadline();
            if (next < inbound.length && inbound[next] <= tick) {
                if (m.onInbound(inbound[next]) != 0) {
                    acks.add(inbound[next]);
                }
                next++;
                continue;
            }
            TickAction a = m.onTick(p, tick, seen(m.lastRx()).outbound(0, 0).channel(true, false, false));
            switch (a) {
                case PROBE:
                    probes.add(tick);
                    assertThat(m.state()).isEqualTo(HealthState.PROBING);
                    break;
                case DEAD_PROBES_UNANSWERED:
                case DEAD_USER_TIMEOUT:
                    assertThat(m.state()).isEqualTo(HealthState.DEAD);
                    assertThat(a.verdict()).as("the verdict carries its reason").isEqualTo(m.deathReason());
                    return new Run(probes, acks, tick, m.deathReason());
                case REARM:
                    assertThat(m.deadline()).isGreaterThan(tick);
                    break;
                default:
                    throw new AssertionError(a);
            }
        }
        throw new AssertionError("no verdict");
    }

    @Test
    void row1ActivationArmsAtIdle() {
        Machine m = new Machine();
        assertThat(m.state()).isEqualTo(HealthState.CLOSED);
        m.activate(policy(2000, 1000, 3, -1), 7 * S);
        assertThat(m.state()).isEqualTo(HealthState.ACTIVE);
        assertThat(m.deadline()).isEqualTo(9 * S);
        assertThat(m.lastRx()).isEqualTo(7 * S);
        assertThat(m.probesOut()).isZero();
    }

    @Test
    void silentPeerIsProbedAtIdlePlusKIntervalsAndDeclaredDeadAtIdlePlusProbesIntervals() {
        // Measured: 2/1/3 -> probes at +2.02, +3.05, +4.07 s, ETIMEDOUT at +5.06 s.
        Run r = run(policy(2000, 1000, 3, 0));
        assertThat(r.probes()).containsExactly(2 * S, 3 * S, 4 * S);
        assertThat(r.verdictAt()).isEqualTo(5 * S);
        assertThat(r.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
    }

    @Test
    void theDefaultUserTimeoutGivesTheSameVerdict() {
        Run r = run(policy(2000, 1000, 3, -1));
        assertThat(r.probes()).containsExactly(2 * S, 3 * S, 4 * S);
        assertThat(r.verdictAt()).isEqualTo(5 * S);
        assertThat(r.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
    }

    @Test
    void anInboundMessageResetsTheProbeCount() {
        // Two probes go out (2 s, 3 s); the peer answers at 3.5 s; silence afterwards.
        Run r = run(policy(2000, 1000, 3, 0), 3500 * MS);
        assertThat(r.acks()).containsExactly(3500 * MS);
        // The next tick (4 s) sees 0.5 s of silence and re-arms at 3.5 + 2 = 5.5 s: three fresh probes.
        assertThat(r.probes()).containsExactly(2 * S, 3 * S, 5500 * MS, 6500 * MS, 7500 * MS);
        assertThat(r.verdictAt()).isEqualTo(8500 * MS);
    }

    @Test
    void userTimeoutBelowIdleSendsOneProbeThenDiesAtTheFirstTickPastIt() {
        // Measured: 3/2/100/uto 1 s -> 1 probe, close at 5 s.
        Run r = run(policy(3000, 2000, 100, 1000));
        assertThat(r.probes()).containsExactly(3 * S);
        assertThat(r.verdictAt()).isEqualTo(5 * S);
        assertThat(r.reason()).isEqualTo(DeathReason.USER_TIMEOUT);
    }

    @Test
    void userTimeoutInTheMiddleCutsProbingShort() {
        // Measured: 2/2/100/uto 5 s -> 2 probes, close at 6 s.
        Run r = run(policy(2000, 2000, 100, 5000));
        assertThat(r.probes()).containsExactly(2 * S, 4 * S);
        assertThat(r.verdictAt()).isEqualTo(6 * S);
        assertThat(r.reason()).isEqualTo(DeathReason.USER_TIMEOUT);
    }

    @Test
    void userTimeoutAboveTheBudgetSendsMoreProbesThanTheCount() {
        // Measured: 2/1/3/uto 8 s -> 6 probes, close at 8 s (KEEPCNT ignored).
        Run r = run(policy(2000, 1000, 3, 8000));
        assertThat(r.probes()).containsExactly(2 * S, 3 * S, 4 * S, 5 * S, 6 * S, 7 * S);
        assertThat(r.verdictAt()).isEqualTo(8 * S);
        assertThat(r.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
    }

    @Test
    void aLivePeerIsProbedAboutEveryMaxOfIdleAndInterval() {
        // Measured: (2, 5) and (5, 2) -> a probe every ~5 s. The peer answers each probe 10 ms later.
        for (long[] idleInterval : new long[][] {{2000, 5000}, {5000, 2000}}) {
            KeepAlivePolicy p = policy(idleInterval[0], idleInterval[1], 3, 0);
            Machine m = new Machine();
            m.activate(p, 0);
            List<Long> probes = new ArrayList<>();
            while (probes.size() < 6) {
                long tick = m.deadline();
                if (m.onTick(p, tick, seen(m.lastRx())
                        .outbound(0, 0).channel(true, false, false)) == TickAction.PROBE) {
                    probes.add(tick);
                    long reply = tick + 10 * MS;
                    assertThat(m.deadline()).isGreaterThan(reply);
                    assertThat(m.onInbound(reply)).isEqualTo(1);
                }
            }
            for (int i = 1; i < probes.size(); i++) {
                long period = probes.get(i) - probes.get(i - 1);
                assertThat(period).as("period with %s", p).isBetween(5000 * MS, 5010 * MS);
            }
        }
    }

    @Test
    void pendingWritesDeferProbing() {
        KeepAlivePolicy p = policy(2000, 1000, 3, 0);
        Machine m = new Machine();
        m.activate(p, 0);
        // Busy at 2 s: no probe, re-arm a full idle later; busy again at 4 s (progress made); idle at 6 s.
        assertThat(m.onTick(p, 2 * S, seen(m.lastRx())
                .outbound(100, 1).channel(true, false, false))).isEqualTo(TickAction.REARM);
        assertThat(m.deadline()).isEqualTo(4 * S);
        assertThat(m.probesOut()).isZero();
        assertThat(m.onTick(p, 4 * S, seen(m.lastRx())
                .outbound(50, 2).channel(true, false, false))).isEqualTo(TickAction.REARM);
        assertThat(m.deadline()).isEqualTo(6 * S);
        // Not writable counts as busy too, even with nothing flushed.
        assertThat(m.onTick(p, 6 * S, seen(m.lastRx())
                .outbound(0, 0).channel(false, false, false))).isEqualTo(TickAction.REARM);
        assertThat(m.onTick(p, 8 * S, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.PROBE);
        assertThat(m.probesOut()).isEqualTo(1);
        assertThat(m.deadline()).isEqualTo(9 * S);
    }

    @Test
    void noWriteProgressForTheUserTimeoutIsWriteStalled() {
        KeepAlivePolicy p = policy(2000, 1000, 3, -1); // uto 5 s
        Machine m = new Machine();
        m.activate(p, 0);
        // First seen stuck at 2 s (mark 7); the stall is counted from there, never from before it was seen.
        assertThat(m.onTick(p, 2 * S, seen(m.lastRx())
                .outbound(100, 7).channel(true, false, false))).isEqualTo(TickAction.REARM);
        assertThat(m.onTick(p, 4 * S, seen(m.lastRx())
                .outbound(100, 7).channel(true, false, false))).isEqualTo(TickAction.REARM);
        assertThat(m.onTick(p, 6 * S, seen(m.lastRx())
                .outbound(100, 7).channel(true, false, false))).isEqualTo(TickAction.REARM);
        assertThat(m.onTick(p, 7 * S, seen(m.lastRx())
                .outbound(100, 7).channel(true, false, false))).isEqualTo(TickAction.DEAD_WRITE_STALLED);
        assertThat(m.deathReason()).isEqualTo(DeathReason.WRITE_STALLED);
        assertThat(m.lastWriteProgress()).isEqualTo(2 * S);
        assertThat(m.state()).isEqualTo(HealthState.DEAD);
        assertThat(m.onTick(p, 8 * S, seen(m.lastRx())
                .outbound(100, 7).channel(true, false, false))).isEqualTo(TickAction.NONE);
    }

    @Test
    void progressRestartsTheStallClockAndNoUserTimeoutMeansNoStallVerdict() {
        KeepAlivePolicy p = policy(2000, 1000, 3, -1);
        Machine m = new Machine();
        m.activate(p, 0);
        m.onTick(p, 2 * S, seen(m.lastRx()).outbound(100, 7).channel(true, false, false));
        m.onTick(p, 4 * S, seen(m.lastRx()).outbound(90, 8).channel(true, false, false)); // progress at 4 s
        assertThat(m.onTick(p, 8 * S, seen(m.lastRx())
                .outbound(90, 8).channel(true, false, false))).isEqualTo(TickAction.REARM);
        assertThat(m.onTick(p, 9 * S, seen(m.lastRx())
                .outbound(90, 8).channel(true, false, false))).isEqualTo(TickAction.DEAD_WRITE_STALLED);

        KeepAlivePolicy noUto = policy(2000, 1000, 3, 0);
        Machine n = new Machine();
        n.activate(noUto, 0);
        for (long t = 2; t < 10_000; t += 2) {
            assertThat(n.onTick(noUto, t * S, seen(n.lastRx())
                    .outbound(100, 7).channel(true, false, false))).isEqualTo(TickAction.REARM);
        }
    }

    @Test
    void halfClosureSuspendsProbing() {
        KeepAlivePolicy p = policy(2000, 1000, 3, 0);
        Machine m = new Machine();
        m.activate(p, 0);
        assertThat(m.onTick(p, 2 * S, seen(m.lastRx())
                .outbound(0, 0).channel(true, true, false))).isEqualTo(TickAction.SUSPEND);
        assertThat(m.state()).isEqualTo(HealthState.SUSPENDED);
        assertThat(m.onTick(p, 3 * S, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.NONE);
        Machine n = new Machine();
        n.activate(p, 0);
        assertThat(n.onTick(p, 2 * S, seen(n.lastRx())
                .outbound(0, 0).channel(true, false, true))).isEqualTo(TickAction.SUSPEND);
        // The kernel still runs while suspended: its verdict is taken.
        assertThat(n.onKernelVerdict(DeathReason.KERNEL_TIMEOUT, n.lastRx())).isTrue();
        assertThat(n.deathReason()).isEqualTo(DeathReason.KERNEL_TIMEOUT);
        assertThat(n.onKernelVerdict(DeathReason.KERNEL_TIMEOUT, n.lastRx())).isFalse();
    }

    @Test
    void idleChangedAtRuntimeReArmsAtIdleMinusElapsed() {
        // Measured: idle=10 set one second after a probe-ACK re-armed for 8.9 s (the ACK came ~0.1 s after it).
        KeepAlivePolicy p = policy(2000, 1000, 3, 0);
        Machine m = new Machine();
        m.activate(p, 0);
        m.onInbound(1 * S);
        assertThat(m.onIdleChanged(policy(10_000, 1000, 3, 0), 2 * S, m.lastRx())).isTrue();
        assertThat(m.deadline()).isEqualTo(11 * S);
        // Measured: idle=2 set after 3 s of silence produced an immediate probe.
        Machine n = new Machine();
        n.activate(p.toBuilder().idle(Duration.ofSeconds(30)).build(), 0);
        KeepAlivePolicy shorter = p;
        assertThat(n.onIdleChanged(shorter, 3 * S, n.lastRx())).isTrue();
        assertThat(n.deadline()).isEqualTo(3 * S);
        assertThat(n.onTick(shorter, 3 * S, seen(n.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.PROBE);
        // Interval, probes and user timeout apply at the next tick by themselves: the policy is passed per tick.
        assertThat(n.deadline()).isEqualTo(4 * S);
    }

    @Test
    void closeAndDeathAreFinal() {
        KeepAlivePolicy p = policy(2000, 1000, 3, 0);
        Machine m = new Machine();
        m.activate(p, 0);
        m.close();
        assertThat(m.state()).isEqualTo(HealthState.CLOSED);
        assertThat(m.onTick(p, 2 * S, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.NONE);
        assertThat(m.onIdleChanged(p, 2 * S, m.lastRx())).isFalse();
        assertThat(m.onKernelVerdict(DeathReason.KERNEL_TIMEOUT, m.lastRx())).isFalse();
    }

    @Test
    void aVeryLateTickGivesThePeerAFullIntervalAfterIt() {
        KeepAlivePolicy p = policy(2000, 1000, 3, 0);
        Machine m = new Machine();
        m.activate(p, 0);
        // The loop stalled: the 2 s tick runs at 7 s. The probe goes out now and the next tick is a full interval on.
        assertThat(m.onTick(p, 7 * S, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.PROBE);
        assertThat(m.deadline()).isEqualTo(8 * S);
        // A tick late by less than an interval keeps the cadence.
        assertThat(m.onTick(p, 8 * S + 300 * MS, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.PROBE);
        assertThat(m.deadline()).isEqualTo(9 * S);
    }

    @Test
    void theGuardsExtraProbeAfterALagGivesThePeerAWholeIntervalFromTheLateTick() {
        KeepAlivePolicy p = policy(2000, 1000, 3, 0);
        Machine m = new Machine();
        m.activate(p, 0);
        for (long at : new long[] {2 * S, 3 * S, 4 * S}) {
            assertThat(m.onTick(p, at, seen(m.lastRx()).outbound(0, 0).channel(true, false, false)))
                    .isEqualTo(TickAction.PROBE);
        }
        // The verdict tick (5 s) runs 0.5 s late and lagged: one more probe, answered within a whole interval of now
        // (not by 6 s, half an interval away, which is the cadence of an ordinary late probe).
        long late = 5 * S + 500 * MS;
        assertThat(m.onTick(p, late, seen(m.lastRx()).outbound(0, 0).channel(true, false, false).lagged(true)))
                .isEqualTo(TickAction.PROBE);
        assertThat(m.deadline()).isEqualTo(late + p.intervalNanos());
        assertThat(m.onTick(p, m.deadline(), seen(m.lastRx()).outbound(0, 0).channel(true, false, false)))
                .isEqualTo(TickAction.DEAD_PROBES_UNANSWERED);
    }

    @Test
    void everyFingerprintValueWorksAndTheFirstSightOfABacklogCountsAsProgress() {
        KeepAlivePolicy p = policy(2000, 1000, 3, 5000);
        for (int fingerprint : new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            Machine m = new Machine();
            m.activate(p, 0);
            assertThat(m.onTick(p, 2 * S, seen(m.lastRx()).outbound(100, fingerprint).channel(true, false, false)))
                    .isEqualTo(TickAction.REARM);
            assertThat(m.lastWriteProgress()).as("fingerprint %s", fingerprint).isEqualTo(2 * S);
            assertThat(m.onTick(p, 4 * S, seen(m.lastRx()).outbound(100, fingerprint).channel(true, false, false)))
                    .isEqualTo(TickAction.REARM);
            assertThat(m.lastWriteProgress()).isEqualTo(2 * S);
            assertThat(m.onTick(p, 7 * S, seen(m.lastRx()).outbound(100, fingerprint).channel(true, false, false)))
                    .isEqualTo(TickAction.DEAD_WRITE_STALLED);
        }
    }

    @Test
    void everyTransitionIsReportedAsItHappensAndVerdictsCarryTheirReason() {
        KeepAlivePolicy p = policy(2000, 1000, 3, 0);
        Machine m = new Machine();
        m.activate(p, 0);
        m.onTick(p, 2 * S, seen(m.lastRx()).outbound(0, 0).channel(true, false, false));
        assertThat(m.onInbound(2100 * MS)).isEqualTo(1);
        assertThat(m.onTick(p, 4100 * MS, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.PROBE);
        assertThat(m.onTick(p, 5100 * MS, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.PROBE);
        assertThat(m.onTick(p, 6100 * MS, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.PROBE);
        TickAction verdict = m.onTick(p, 7100 * MS, seen(m.lastRx()).outbound(0, 0).channel(true, false, false));
        assertThat(verdict).isEqualTo(TickAction.DEAD_PROBES_UNANSWERED);
        assertThat(verdict.verdict()).isEqualTo(DeathReason.PROBES_UNANSWERED).isEqualTo(m.deathReason());
        m.close();
        assertThat(m.transitions).containsExactly("CLOSED->ACTIVE", "ACTIVE->PROBING", "PROBING->ACTIVE",
                "ACTIVE->PROBING", "PROBING->DEAD", "DEAD->CLOSED");
    }

    @Test
    void inboundAfterASuspensionWithProbesOutEndsNoProbingEpisode() {
        // The bug of issue 9: output shut down while probes were out, then the peer wrote. The machine is SUSPENDED:
        // the message is proof of life but no PROBING -> ACTIVE transition, and no episode for the caller to report.
        KeepAlivePolicy p = policy(2000, 1000, 3, 0);
        Machine m = new Machine();
        m.activate(p, 0);
        assertThat(m.onTick(p, 2 * S, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.PROBE);
        assertThat(m.onTick(p, 3 * S, seen(m.lastRx())
                .outbound(0, 0).channel(true, false, true))).isEqualTo(TickAction.SUSPEND);
        assertThat(m.onInbound(3500 * MS)).isZero();
        assertThat(m.state()).isEqualTo(HealthState.SUSPENDED);
        assertThat(m.lastRx()).isEqualTo(3500 * MS);
        m.close();
        assertThat(m.transitions).containsExactly("CLOSED->ACTIVE", "ACTIVE->PROBING", "PROBING->SUSPENDED",
                "SUSPENDED->CLOSED");
    }

    @Test
    void theCallersLatestStampIsTakenOnlyWhenItIsLater() {
        KeepAlivePolicy p = policy(2000, 1000, 3, 0);
        Machine m = new Machine();
        m.activate(p, 10 * S);
        assertThat(m.onTick(p, 12 * S, seen(11 * S)
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.REARM);
        assertThat(m.lastRx()).isEqualTo(11 * S);
        assertThat(m.deadline()).isEqualTo(13 * S);
        m.onInbound(12500 * MS);
        // An older stamp (the read path's, from before the reply the machine was told of) changes nothing.
        assertThat(m.onTick(p, 13 * S, seen(11 * S)
                .outbound(0, 0).channel(true, false, false))).isEqualTo(TickAction.REARM);
        assertThat(m.lastRx()).isEqualTo(12500 * MS);
    }

    /**
     * For many random policies and inbound patterns, the verdict lands exactly at the spec's formula counted from
     * the last inbound message: {@code L + idle + probes × interval} without a user timeout, otherwise
     * {@code L + idle + k × interval} for the first {@code k >= 1} at or after the user timeout; the probes at
     * {@code L + idle + j × interval} before it.
     */
    @Test
    void randomPoliciesAndInboundPatternsMeetTheFormula() {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int i = 0; i < 20_000; i++) {
            long idle = random.nextLong(1, 5_000);
            long interval = random.nextLong(1, 5_000);
            int probes = random.nextInt(1, 10);
            long uto;
            switch (random.nextInt(3)) {
                case 0:
                    uto = 0;
                    break;
                case 1:
                    uto = -1; // default
                    break;
                default:
                    uto = random.nextLong(1, 30_000);
                    break;
            }
            KeepAlivePolicy p = policy(idle, interval, probes, uto);
            // Traffic: while interval <= idle any pattern works (the tick after the last message always re-arms at
            // L + idle); otherwise keep gaps under idle so that no probe is outstanding when traffic stops.
            long maxGap = interval <= idle ? 3 * (idle + probes * interval) : idle - 1;
            int count = random.nextInt(0, 20);
            long[] inbound = new long[count];
            long t = 0;
            for (int k = 0; k < count; k++) {
                t += random.nextLong(0, Math.max(1, maxGap) + 1) * MS;
                inbound[k] = t;
            }
            Run r = run(p, inbound);
            long last = 0;
            for (long at : inbound) {
                if (at < r.verdictAt()) {
                    last = at;
                }
            }
            long idleN = idle * MS;
            long intervalN = interval * MS;
            long utoN = p.userTimeoutNanos();
            long k = utoN == 0 ? probes : Math.max(1, -Math.floorDiv(-(utoN - idleN), intervalN));
            long expected = last + idleN + k * intervalN;
            assertThat(r.verdictAt()).as("%s, inbound %s", p, java.util.Arrays.toString(inbound)).isEqualTo(expected);
            List<Long> tail = new ArrayList<>();
            for (long at : r.probes()) {
                if (at > last) {
                    tail.add(at);
                }
            }
            List<Long> expectedProbes = new ArrayList<>();
            for (long j = 0; j < k; j++) {
                expectedProbes.add(last + idleN + j * intervalN);
            }
            assertThat(tail).as("%s", p).isEqualTo(expectedProbes);
            assertThat(r.reason()).isEqualTo(utoN > 0 && k < probes ? DeathReason.USER_TIMEOUT
                    : DeathReason.PROBES_UNANSWERED);
        }
    }
}
