package io.vigil.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vigil.core.event.ConnectionRetired;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatFrame;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.TestChannel;
import io.vigil.core.websocket.WebSocketProber;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The protocol-neutral lifecycle handlers on the heartbeat protocol, and the WebSocket versions, on mock time: a
 * close with a reason where the protocol has no {@code GOAWAY}.
 */
class LifecycleHandlersTest {

    private static final long S = 1_000_000_000L;

    private static void advance(TestChannel ch, long nanos) {
        long end = ch.now() + nanos;
        while (ch.now() < end) {
            ch.ticker().advance(Math.min(10_000_000L, end - ch.now()), TimeUnit.NANOSECONDS);
            ch.runPendingTasks();
        }
    }

    @Test
    void heartbeatPingsTooOftenAreStruckThenTheConnectionClosesRepliesNeverCount() {
        PingPolicingHandler police = new PingPolicingHandler(PingRatePolicy.builder()
                .minInterval(Duration.ofSeconds(10)).minIntervalWithoutWork(Duration.ofSeconds(10)).build(),
                HeartbeatProber.INSTANCE, HealthRecorder.NOOP);
        TestChannel ch = TestChannel.create(police);
        EventRecorder events = new EventRecorder(ch.ticker());
        ch.pipeline().addLast(events);
        try {
            for (int i = 0; i < 50; i++) {
                ch.writeInbound(HeartbeatFrame.pong(i)); // replies to our probes, or unsolicited: never pings
            }
            assertThat(police.strikes()).isZero();
            advance(ch, 11 * S);
            ch.writeInbound(HeartbeatFrame.ping(1)); // on time
            advance(ch, S);
            ch.writeInbound(HeartbeatFrame.ping(2));
            ch.writeInbound(HeartbeatFrame.ping(3));
            assertThat(events.events(PingStrike.class)).extracting(PingStrike::strikes).containsExactly(1, 2);
            assertThat(ch.isOpen()).isTrue();
            ch.writeInbound(HeartbeatFrame.ping(4));
            assertThat(events.events(TooManyPings.class)).containsExactly(new TooManyPings(3));
            assertThat(ch.isOpen()).isFalse();
            assertThat(events.messagesRead()).as("the pings passed on, the fourth dropped").isEqualTo(53);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aWebSocketPeerPingingTooOftenGetsCloseFrame1008TooManyPings() {
        TestChannel ch = TestChannel.create(new WebSocketPingPolicingHandler(PingRatePolicy.defaults(),
                HealthRecorder.NOOP));
        try {
            for (int i = 0; i < 3; i++) {
                ch.writeInbound(new PongWebSocketFrame());
                ch.writeInbound(new PingWebSocketFrame());
            }
            CloseWebSocketFrame close = ch.readOutbound();
            assertThat(close.statusCode()).isEqualTo(WebSocketCloseStatus.POLICY_VIOLATION.code());
            assertThat(close.reasonText()).isEqualTo("too_many_pings");
            close.release();
            assertThat(ch.isOpen()).isFalse();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aWebSocketClientToldTooManyPingsBacksOff() {
        PingBackoffTable table = new PingBackoffTable();
        KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(Duration.ofSeconds(5)).build();
        KeepAliveHandler keepAlive = new KeepAliveHandler(policy, WebSocketProber.INSTANCE);
        TestChannel ch = TestChannel.create(keepAlive, new WebSocketPingBackoffHandler(table, HealthRecorder.NOOP));
        EventRecorder events = new EventRecorder(ch.ticker());
        ch.pipeline().addLast(events);
        try {
            ch.writeInbound(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "bye"));
            assertThat(events.events(PingBackoff.class)).isEmpty();
            ch.writeInbound(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "too_many_pings"));
            assertThat(events.events(PingBackoff.class)).containsExactly(new PingBackoff("embedded", 5 * S, 10 * S));
            assertThat(keepAlive.policy().idle()).isEqualTo(Duration.ofSeconds(10));
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void maxIdleClosesAQuietConnectionProbesDoNotCountApplicationMessagesDo() {
        ConnectionLifetime lifetime = ConnectionLifetime.builder().maxIdle(Duration.ofSeconds(8)).build();
        TestChannel ch = TestChannel.create(new ConnectionLifetimeHandler(lifetime, HeartbeatProber.INSTANCE,
                HealthRecorder.NOOP));
        EventRecorder events = new EventRecorder(ch.ticker());
        ch.pipeline().addLast(events);
        try {
            for (int i = 0; i < 30; i++) { // application messages every second for 30 s
                ch.writeInbound(new TextWebSocketFrame("work"));
                advance(ch, S);
            }
            assertThat(ch.isOpen()).isTrue();
            long quietFrom = ch.now();
            for (int i = 0; i < 11 && ch.isOpen(); i++) { // then only probes and replies, either way
                ch.writeInbound(HeartbeatFrame.ping(i));
                ch.writeOutbound(HeartbeatFrame.pong(i));
                advance(ch, S);
            }
            assertThat(ch.now() - quietFrom).as("retired between 1 and 1.25 maxIdle after the last message")
                    .isBetween(8 * S, 10 * S);
            ConnectionRetired retired = events.events(ConnectionRetired.class).get(0);
            assertThat(retired).isEqualTo(new ConnectionRetired(ConnectionRetired.Reason.MAX_IDLE, 8 * S, false));
            assertThat(ch.isOpen()).isFalse();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void ageIsJitteredPerConnectionWithinTenPercent() {
        ConnectionLifetime lifetime = ConnectionLifetime.builder().maxAge(Duration.ofSeconds(100)).grace(Duration.ZERO)
                .build();
        long earliest = Long.MAX_VALUE;
        long latest = 0;
        for (int i = 0; i < 40; i++) {
            TestChannel ch = TestChannel.create(new ConnectionLifetimeHandler(lifetime, HeartbeatProber.INSTANCE,
                    HealthRecorder.NOOP));
            EventRecorder events = new EventRecorder(ch.ticker());
            ch.pipeline().addLast(events);
            try {
                advance(ch, 89 * S);
                assertThat(ch.isOpen()).isTrue();
                while (ch.isOpen() && ch.now() < 111 * S) {
                    advance(ch, S / 10);
                }
                long age = events.events(ConnectionRetired.class).get(0).afterNanos();
                assertThat(age).isBetween(90 * S, 110 * S);
                earliest = Math.min(earliest, age);
                latest = Math.max(latest, age);
            } finally {
                ch.finishAndReleaseAll();
            }
        }
        assertThat(latest - earliest).as("40 connections opened together do not close together").isGreaterThan(5 * S);
    }
}
