package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.ShadowVerdict;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.machine.HealthState;
import io.vigil.core.metrics.MicrometerHealthRecorder;
import io.vigil.core.metrics.VigilMeters;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.EventRecorder.Timed;
import io.vigil.core.testing.TestChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Shadow mode (issue 13): verdicts, events and metrics without closing anything; the connection is watched afresh
 * after each verdict. On a {@code MockTicker}.
 */
class ShadowModeTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long TICK = TimerWheels.config().tickNanos();

    @Test
    void aSilentPeerGetsShadowVerdictsAndStaysConnected() {
        KeepAlivePolicy policy = KeepAlivePolicy.builder()
                .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerHealthRecorder recorder = new MicrometerHealthRecorder();
        recorder.bindTo(registry);
        KeepAliveHandler handler = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, recorder, KernelClock.NOMINAL)
                .shadow(true);
        TestChannel channel = TestChannel.create(handler, HeartbeatResponder.handler());
        EventRecorder events = new EventRecorder(channel.ticker());
        channel.pipeline().addLast(events);
        try {
            assertThat(handler.isShadow()).isTrue();
            while (channel.now() < 10 * S) {
                channel.ticker().advance(TICK, TimeUnit.NANOSECONDS);
                channel.runPendingTasks();
            }
            assertThat(channel.isOpen()).isTrue();
            assertThat(events.events(PeerDead.class)).isEmpty();
            assertThat(events.events(ShadowVerdict.class)).hasSize(2).allSatisfy(v -> {
                assertThat(v.wouldBe().reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
                assertThat(v.wouldBe().evidence().probesOut()).isEqualTo(3);
            });
            long first = events.events().stream().filter(t -> t.what() instanceof ShadowVerdict).findFirst()
                    .map(Timed::nanos).orElseThrow();
            assertThat(first).isEqualTo(5 * S);
            assertThat(handler.state()).as("watched afresh after the verdict at 10 s").isEqualTo(HealthState.ACTIVE);
            assertThat(registry.get(VigilMeters.SHADOW_VERDICTS.getName()).counter().count()).isEqualTo(2);
            assertThat(registry.find(VigilMeters.VERDICTS.getName()).counter()).isNull();
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
