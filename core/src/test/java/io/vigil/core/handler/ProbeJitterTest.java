package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
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

/**
 * Probe jitter through the real handler and wheel, on mock time: channels armed at the same instant spread their
 * first probes, and the later probes and the verdict keep the policy's exact times, so {@code deadWithin(D)} holds.
 * (The rest of the suite runs with {@code -Dio.vigil.keepalive.probeJitter=0}; these set the jitter themselves.)
 */
class ProbeJitterTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long TICK = TimerWheels.config().tickNanos();

    @Test
    void tenThousandChannelsArmedAtOneInstantPutNoMoreThanThreePercentOfTheirFirstProbesInAnyOnePercentSlice() {
        KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(Duration.ofSeconds(60)); // idle 27 s, interval 10 s
        long interval = policy.intervalNanos();
        long slice = interval / 100;
        int channels = 10_000;
        int[] perSlice = new int[200];
        long bound = (long) (KeepAliveHandler.RECOMMENDED_PROBE_JITTER * interval);
        for (int i = 0; i < channels; i++) {
            KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL)
                    .probeJitter(KeepAliveHandler.RECOMMENDED_PROBE_JITTER);
            TestChannel channel = TestChannel.create(handler);
            try {
                long firstProbe = handler.deadline() - channel.now(); // armed at mock time 0, the same for all
                assertThat(firstProbe).isBetween(policy.idleNanos() - bound, policy.idleNanos());
                perSlice[(int) ((policy.idleNanos() - firstProbe) / slice)]++;
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
        System.out.printf("probe jitter: %d channels, first probes over %d slices of %d ms, fullest slice %.2f %%%n",
                channels, used, slice / MS, 100.0 * most / channels);
        assertThat(100.0 * most / channels).as("the fullest 1 %% slice of the interval, %% of the probes")
                .isLessThanOrEqualTo(3.0);
        assertThat(used).as("slices used: J = half the interval").isEqualTo(50);
    }

    @Test
    void withJitterOnlyTheFirstProbeMovesTheLaterProbesAndTheVerdictKeepThePolicysTimes() {
        KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(Duration.ofSeconds(20))
                .interval(Duration.ofSeconds(10)).probes(3).build();
        for (int i = 0; i < 20; i++) {
            KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL).probeJitter(1.0);
            TestChannel channel = TestChannel.create(handler);
            EventRecorder events = new EventRecorder(channel.ticker());
            channel.pipeline().addLast(events);
            try {
                long j = handler.jitterNanos();
                assertThat(j).isBetween(0L, 10 * S);
                advanceTo(channel, 51 * S);
                List<Long> probes = new ArrayList<>();
                for (Timed t : events.events()) {
                    if (t.what() instanceof ProbeSent) {
                        probes.add(t.nanos());
                    }
                }
                assertThat(probes).hasSize(3);
                assertThat(probes.get(0)).isBetween(20 * S - j, 20 * S - j + TICK);
                assertThat(probes.subList(1, 3)).containsExactly(30 * S, 40 * S);
                PeerDead dead = events.events(PeerDead.class).get(0);
                assertThat(dead.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
                assertThat(dead.evidence().sinceLastInbound()).as("the verdict time is the policy's")
                        .isEqualTo(Duration.ofSeconds(50));
            } finally {
                channel.finishAndReleaseAll();
            }
        }
    }

    @Test
    void aPeerThatAnswersThenFreezesIsJudgedOnTimeTheDelayedDeadlineDoesNotHoldBackTheNextProbe() {
        // interval = idle: the jitter's delay after the first probe (up to J = idle / 2) outlasts the next idle period
        KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(Duration.ofSeconds(1))
                .interval(Duration.ofSeconds(1)).probes(2).build();
        for (int i = 0; i < 20; i++) {
            KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL).probeJitter(1.0);
            TestChannel channel = TestChannel.create(handler);
            EventRecorder events = new EventRecorder(channel.ticker());
            channel.pipeline().addLast(events);
            try {
                while (events.events(ProbeSent.class).isEmpty()) {
                    advanceTo(channel, channel.now() + TICK);
                }
                HeartbeatFrame probe = channel.readOutbound();
                channel.writeInbound(HeartbeatFrame.pong(probe.id())); // answered at once, then the peer freezes
                long answered = channel.now();
                advanceTo(channel, answered + 4 * S);
                assertThat(events.events(PeerDead.class)).hasSize(1);
                long verdictAt = events.events().stream().filter(t -> t.what() instanceof PeerDead).findFirst()
                        .orElseThrow().nanos();
                // idle + probes × interval = 3 s after the answer (stamped up to two ticks late, fired a tick late)
                assertThat(verdictAt - answered).isBetween(3 * S, 3 * S + 3 * TICK);
            } finally {
                channel.finishAndReleaseAll();
            }
        }
    }

    @Test
    void deadWithinHoldsWithTheRecommendedJitter() {
        for (long seconds : new long[] {10, 30, 60, 300}) {
            KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(Duration.ofSeconds(seconds));
            for (int i = 0; i < 5; i++) {
                KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, HealthRecorder.NOOP, KernelClock.NOMINAL)
                        .probeJitter(KeepAliveHandler.RECOMMENDED_PROBE_JITTER);
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
