package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.machine.HealthState;
import io.vigil.core.metrics.MicrometerHealthRecorder;
import io.vigil.core.metrics.VigilMeters;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.TestChannel;
import io.vigil.core.internal.timer.TimerWheels;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The per-state connection gauges follow every lifecycle path through the real handler and come back to zero when
 * the channel is gone: close while active, probing, suspended or dead, and handler removal. Also the bug of
 * issue 9: output shut down while probes were out, then an inbound message.
 */
class ConnectionGaugesTest {

    private static final long MS = 1_000_000L;
    private static final long TICK = TimerWheels.config().tickNanos();
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerHealthRecorder recorder = new MicrometerHealthRecorder();
    private TestChannel channel;
    private EventRecorder events;
    private KeepAliveHandler handler;

    ConnectionGaugesTest() {
        recorder.bindTo(registry);
    }

    private void start() {
        handler = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE, recorder, KernelClock.NOMINAL);
        channel = TestChannel.create(handler, HeartbeatResponder.handler());
        events = new EventRecorder(channel.ticker());
        channel.pipeline().addLast(events);
    }

    private void advanceTo(long nanos) {
        while (channel.now() < nanos) {
            channel.ticker().advance(Math.min(TICK, nanos - channel.now()), TimeUnit.NANOSECONDS);
            channel.runPendingTasks();
        }
    }

    private double connections(String state) {
        return registry.get(VigilMeters.CONNECTIONS.getName()).tags("state", state).gauge().value();
    }

    private void assertConnections(int active, int probing, int suspended) {
        assertThat(new double[] {connections("active"), connections("probing"), connections("suspended")})
                .as("active, probing, suspended").containsExactly(active, probing, suspended);
    }

    private void closeAndExpectZero(Consumer<TestChannel> end) {
        end.accept(channel);
        channel.finishAndReleaseAll();
        assertConnections(0, 0, 0);
        assertThat(TimerWheels.hasWheel(channel.eventLoop())).as("no timer left").isFalse();
    }

    @Test
    void closedWhileActive() {
        start();
        assertConnections(1, 0, 0);
        closeAndExpectZero(TestChannel::close);
    }

    @Test
    void closedWhileProbing() {
        start();
        advanceTo(2_500 * MS);
        assertThat(handler.state()).isEqualTo(HealthState.PROBING);
        assertConnections(0, 1, 0);
        closeAndExpectZero(TestChannel::close);
    }

    @Test
    void closedWhileSuspended() {
        start();
        channel.shutdownInput();
        advanceTo(2_500 * MS);
        assertThat(handler.state()).isEqualTo(HealthState.SUSPENDED);
        assertConnections(0, 0, 1);
        closeAndExpectZero(TestChannel::close);
    }

    @Test
    void closedAfterAVerdict() {
        start();
        advanceTo(6_000 * MS);
        assertThat(channel.isOpen()).isFalse();
        closeAndExpectZero(ch -> { });
    }

    @Test
    void handlerRemovedFromAnOpenChannel() {
        start();
        advanceTo(2_500 * MS);
        assertConnections(0, 1, 0);
        channel.pipeline().remove(handler);
        assertConnections(0, 0, 0);
        assertThat(handler.state()).isEqualTo(HealthState.CLOSED);
        closeAndExpectZero(TestChannel::close);
    }

    @Test
    void outputShutDownWhileProbesAreOutThenInboundEndsNoProbingEpisode() {
        start();
        advanceTo(2_500 * MS);
        assertConnections(0, 1, 0);
        channel.shutdownOutput();
        advanceTo(3_500 * MS);
        assertThat(handler.state()).isEqualTo(HealthState.SUSPENDED);
        assertConnections(0, 0, 1);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        assertThat(events.events()).noneMatch(t -> t.what() instanceof PeerAlive);
        assertThat(handler.state()).isEqualTo(HealthState.SUSPENDED);
        assertConnections(0, 0, 1);
        closeAndExpectZero(TestChannel::close);
    }
}
