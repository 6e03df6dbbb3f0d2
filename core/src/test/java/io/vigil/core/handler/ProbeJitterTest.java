package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
import io.vigil.core.policy.KernelHz;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.probe.HeartbeatFrame;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.EventRecorder.Timed;
import io.vigil.core.testing.TestChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Probe jitter through the real handler and wheel, on mock time, on the kernel's grid (HZ 250, a known jiffies
 * phase: the handler's default clock kind) and on the nominal grid: channels armed at the same instant spread their
 * first probes, and every later expiry (probes, user timeout, verdict) is the one a channel without jitter has, so
 * {@code deadWithin(D)} holds. (The rest of the suite runs with {@code -Dio.vigil.keepalive.probeJitter=0}; these set
 * the jitter themselves.)
 */
class ProbeJitterTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long TICK = TimerWheels.config().tickNanos();
    private static final KernelClock KERNEL_GRID = KernelClock.of(KernelHz.of(250), 1_234_567);

    private static KernelClock clock(boolean kernelGrid) {
        return kernelGrid ? KERNEL_GRID : KernelClock.NOMINAL;
    }

    @Test
    void jitterIsOnByDefault() {
        assertThat(KeepAliveHandler.DEFAULT_PROBE_JITTER).isEqualTo(0.5);
        String pinned = System.clearProperty(ProbeJitter.PROPERTY);
        try {
            KeepAliveHandler handler = new KeepAliveHandler(KeepAlivePolicy.defaults(), HeartbeatProber.INSTANCE);
            assertThat(handler.probeJitter()).isEqualTo(0.5);
        } finally {
            if (pinned != null) {
                System.setProperty(ProbeJitter.PROPERTY, pinned);
            }
        }
    }

    @ParameterizedTest(name = "kernel grid: {0}")
    @ValueSource(booleans = {true, false})
    void tenThousandChannelsArmedAtOneInstantPutNoMoreThanThreePercentOfTheirFirstProbesInAnyOnePercentSlice(
            boolean kernelGrid) {
        KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(Duration.ofSeconds(60)); // idle 27 s, interval 10 s
        long interval = policy.intervalNanos();
        long slice = interval / 100;
        int channels = 10_000;
        int[] perSlice = new int[200];
        long bound = (long) (KeepAliveHandler.DEFAULT_PROBE_JITTER * interval);
        long scheduled = twinDeadline(policy, clock(kernelGrid)); // where a channel without jitter probes first
        for (int i = 0; i < channels; i++) {
            KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP,
                    clock(kernelGrid)).probeJitter(KeepAliveHandler.DEFAULT_PROBE_JITTER);
            TestChannel channel = TestChannel.create(handler);
            try {
                long firstProbe = handler.deadline(); // armed at mock time 0, the same for all
                assertThat(firstProbe).isBetween(scheduled - bound, scheduled);
                perSlice[(int) ((scheduled - firstProbe) / slice)]++;
            } finally {
                channel.finishAndReleaseAll();
            }
        }
        int most = 0;
        int used = 0;
        for (int n : perSlice) {
            most = Math.max(most, n);
            used += n == 0 ? 0 : 1;
        }
        System.out.printf("probe jitter (%s): %d channels, first probes over %d slices of %d ms, fullest slice "
                + "%.2f %%%n", clock(kernelGrid), channels, used, slice / MS, 100.0 * most / channels);
        assertThat(100.0 * most / channels).as("the fullest 1 %% slice of the interval, %% of the probes")
                .isLessThanOrEqualTo(3.0);
        assertThat(used).as("slices used: J = half the interval").isEqualTo(50);
    }

    @ParameterizedTest(name = "kernel grid: {0}")
    @ValueSource(booleans = {true, false})
    void withJitterOnlyTheFirstProbeMovesTheLaterProbesUserTimeoutAndVerdictAreTheKernels(boolean kernelGrid) {
        KeepAlivePolicy[] policies = {
            KeepAlivePolicy.builder().idle(Duration.ofSeconds(20)).interval(Duration.ofSeconds(10)).probes(3).build(),
            // the case that once gave a verdict 2.8 s before the kernel's: 3 s / 3 s / 7 probes, user timeout 18.5 s
            KeepAlivePolicy.builder().idle(Duration.ofSeconds(3)).interval(Duration.ofSeconds(3)).probes(7)
                    .userTimeout(Duration.ofMillis(18_500)).build(),
            KeepAlivePolicy.deadWithin(Duration.ofSeconds(60)),
        };
        for (KeepAlivePolicy policy : policies) {
            Silence twin = silence(policy, clock(kernelGrid), 0);
            for (int i = 0; i < 10; i++) {
                Silence jittered = silence(policy, clock(kernelGrid), 1.0);
                long j = jittered.lead;
                assertThat(j).isBetween(0L, Math.min(policy.intervalNanos(), policy.idleNanos() / 2));
                assertThat(jittered.probes).hasSameSizeAs(twin.probes);
                assertThat(jittered.probes.get(0)).as("the first probe, %s", policy)
                        .isBetween(twin.probes.get(0) - j - TICK, twin.probes.get(0) - j + TICK);
                assertThat(jittered.probes.subList(1, jittered.probes.size())).as("the later probes, %s", policy)
                        .isEqualTo(twin.probes.subList(1, twin.probes.size()));
                assertThat(jittered.verdictAt).as("the verdict, %s", policy).isEqualTo(twin.verdictAt);
                assertThat(jittered.reason).isEqualTo(twin.reason);
            }
        }
    }

    @ParameterizedTest(name = "kernel grid: {0}")
    @ValueSource(booleans = {true, false})
    void aPeerThatAnswersAnEarlyProbeThenFreezesIsJudgedAsWithoutJitter(boolean kernelGrid) {
        // interval = idle: the early probe's answer comes before the expiry the kernel would have probed at
        KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(Duration.ofSeconds(1))
                .interval(Duration.ofSeconds(1)).probes(2).build();
        for (int i = 0; i < 20; i++) {
            KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP,
                    clock(kernelGrid)).probeJitter(1.0);
            TestChannel channel = TestChannel.create(handler);
            EventRecorder events = new EventRecorder(channel.ticker());
            channel.pipeline().addLast(events);
            long answered;
            long verdictAt;
            try {
                while (events.events(ProbeSent.class).isEmpty()) {
                    advanceTo(channel, channel.now() + TICK);
                }
                HeartbeatFrame probe = channel.readOutbound();
                channel.writeInbound(HeartbeatFrame.pong(probe.id())); // answered at once, then the peer freezes
                answered = channel.now();
                verdictAt = verdictAfter(channel, events, answered + 5 * S);
            } finally {
                channel.finishAndReleaseAll();
            }
            // the same last arrival on a channel without jitter: data at the same instant, then silence
            KeepAliveHandler plain = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP,
                    clock(kernelGrid)).probeJitter(0);
            TestChannel twin = TestChannel.create(plain);
            EventRecorder twinEvents = new EventRecorder(twin.ticker());
            twin.pipeline().addLast(twinEvents);
            try {
                advanceTo(twin, answered);
                twin.writeInbound("application data");
                assertThat(verdictAfter(twin, twinEvents, answered + 5 * S)).as("jitter lead %d ms",
                        handler.jitterNanos() / MS).isEqualTo(verdictAt);
            } finally {
                twin.finishAndReleaseAll();
            }
            if (!kernelGrid) {
                // idle + probes × interval = 3 s after the answer (stamped up to two ticks late, fired a tick late)
                assertThat(verdictAt - answered).isBetween(3 * S, 3 * S + 3 * TICK);
            }
        }
    }

    private static long verdictAfter(TestChannel channel, EventRecorder events, long until) {
        advanceTo(channel, until);
        assertThat(events.events(PeerDead.class)).hasSize(1);
        return events.events().stream().filter(t -> t.what() instanceof PeerDead).findFirst().orElseThrow().nanos();
    }

    @ParameterizedTest(name = "kernel grid: {0}")
    @ValueSource(booleans = {true, false})
    void deadWithinHoldsWithTheDefaultJitter(boolean kernelGrid) {
        for (long seconds : new long[] {10, 30, 60, 300}) {
            KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(Duration.ofSeconds(seconds));
            for (int i = 0; i < 5; i++) {
                KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE,
                        HealthRecorder.NOOP, clock(kernelGrid)).probeJitter(KeepAliveHandler.DEFAULT_PROBE_JITTER);
                TestChannel channel = TestChannel.create(handler, HeartbeatResponder.handler());
                EventRecorder events = new EventRecorder(channel.ticker());
                channel.pipeline().addLast(events);
                try {
                    advanceTo(channel, seconds * S);
                    assertThat(events.events(PeerDead.class)).as("dead within %d s", seconds).hasSize(1);
                } finally {
                    channel.finishAndReleaseAll();
                }
            }
        }
    }

    @ParameterizedTest(name = "kernel grid: {0}")
    @ValueSource(booleans = {true, false})
    void anIdleChangeWhileTheTimerLeadsReArmsOnceWithTheNewLead(boolean kernelGrid) {
        KeepAlivePolicy before = KeepAlivePolicy.builder().idle(Duration.ofSeconds(20))
                .interval(Duration.ofSeconds(10)).probes(3).build();
        KeepAlivePolicy after = before.toBuilder().idle(Duration.ofSeconds(8)).build();
        KeepAliveHandler plain = new KeepAliveHandler(before, HeartbeatProber.INSTANCE, HealthRecorder.NOOP,
                clock(kernelGrid)).probeJitter(0);
        KeepAliveHandler jittered = new KeepAliveHandler(before, HeartbeatProber.INSTANCE, HealthRecorder.NOOP,
                clock(kernelGrid)).probeJitter(1.0);
        TestChannel twin = TestChannel.create(plain);
        TestChannel channel = TestChannel.create(jittered);
        try {
            assertThat(jittered.deadline()).isEqualTo(plain.deadline() - jittered.jitterNanos());
            for (TestChannel c : List.of(twin, channel)) {
                advanceTo(c, 5 * S);
            }
            plain.policy(after);
            jittered.policy(after);
            assertThat(jittered.jitterNanos()).as("J = min(interval, idle / 2) = 4 s").isLessThan(4 * S);
            assertThat(jittered.deadline()).as("the machine's new deadline, less the new lead, once")
                    .isEqualTo(plain.deadline() - jittered.jitterNanos());
        } finally {
            twin.finishAndReleaseAll();
            channel.finishAndReleaseAll();
        }
    }

    /** Where a channel without jitter, armed at mock time 0, first fires. */
    private static long twinDeadline(KeepAlivePolicy policy, KernelClock clock) {
        KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, clock)
                .probeJitter(0);
        TestChannel channel = TestChannel.create(handler);
        try {
            return handler.deadline();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** A silent peer from mock time 0 to its verdict: when each probe went out, the verdict's time and reason. */
    private static Silence silence(KeepAlivePolicy policy, KernelClock clock, double jitter) {
        KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, clock)
                .probeJitter(jitter);
        TestChannel channel = TestChannel.create(handler);
        EventRecorder events = new EventRecorder(channel.ticker());
        channel.pipeline().addLast(events);
        try {
            long lead = handler.jitterNanos();
            advanceTo(channel, policy.idleNanos() + (policy.probes() + 2) * policy.intervalNanos() + 5 * S);
            List<Long> probes = new ArrayList<>();
            long verdictAt = -1;
            DeathReason reason = null;
            for (Timed t : events.events()) {
                if (t.what() instanceof ProbeSent) {
                    probes.add(t.nanos());
                } else if (t.what() instanceof PeerDead dead && verdictAt < 0) {
                    verdictAt = t.nanos();
                    reason = dead.reason();
                }
            }
            assertThat(verdictAt).as("a verdict for %s", policy).isPositive();
            return new Silence(lead, probes, verdictAt, reason);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private record Silence(long lead, List<Long> probes, long verdictAt, DeathReason reason) {
    }

    @Test
    void jitterOutsideZeroToOneIsRefusedWithItsRange() {
        KeepAliveHandler handler = new KeepAliveHandler(KeepAlivePolicy.defaults(), HeartbeatProber.INSTANCE);
        assertThatThrownBy(() -> handler.probeJitter(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probeJitter : 1.5 (expected: 0 .. 1, a fraction of the policy's interval;"
                        + " 0 disables jitter)");
        assertThatThrownBy(() -> handler.probeJitter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(handler.probeJitter(0).probeJitter()).isZero();
    }

    private static void advanceTo(TestChannel channel, long nanos) {
        while (channel.now() < nanos && channel.isOpen()) {
            channel.ticker().advance(Math.min(TICK, nanos - channel.now()), TimeUnit.NANOSECONDS);
            channel.runPendingTasks();
        }
    }
}
