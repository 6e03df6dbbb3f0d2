package io.vigil.core.websocket;

import static io.vigil.core.websocket.WebSocketPair.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.lifecycle.PingBackoffTable;
import io.vigil.core.lifecycle.PingRatePolicy;
import io.vigil.core.lifecycle.WebSocketPingBackoffHandler;
import io.vigil.core.lifecycle.WebSocketPingPolicingHandler;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ping policing and back-off installed with WebSocket keepalive: the arming puts them in place at the handshake,
 * over Netty's real server and client handshakers; time from a mock clock.
 */
class WebSocketLifecycleTest {

    /** The server probes every 2 s of silence; the client's keepalive is slow, its application pings by hand. */
    private static final KeepAlivePolicy SERVER_POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();
    private static final KeepAlivePolicy CLIENT_POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(30)).interval(Duration.ofSeconds(1)).probes(3).build();
    private static final WebSocketServerProtocolConfig SERVER = WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/ws").build();
    private static final WebSocketClientProtocolConfig CLIENT = WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri("ws://localhost/ws").build();

    private WebSocketPair pair;

    @AfterEach
    void close() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void armingInstallsPolicingAndBackoffThenAPingingClientIsStruckClosedWith1008TooManyPingsAndBacksOff() {
        PingBackoffTable table = new PingBackoffTable();
        pair = new WebSocketPair(ch -> {
            WebSocketKeepAlive.server(ch.pipeline(), SERVER, SERVER_POLICY, HealthRecorder.NOOP).probeJitter(0);
            WebSocketPingPolicingHandler.install(ch.pipeline(), PingRatePolicy.defaults(), HealthRecorder.NOOP);
        }, ch -> {
            WebSocketKeepAlive.client(ch.pipeline(), CLIENT, CLIENT_POLICY, HealthRecorder.NOOP).probeJitter(0);
            WebSocketKeepAlive.addAfterKeepAlive(ch.pipeline(), VigilPipeline.PING_BACKOFF,
                    new WebSocketPingBackoffHandler(table, HealthRecorder.NOOP));
        });
        assertThat(pair.server.pipeline().get(VigilPipeline.PING_POLICING)).as("before the upgrade").isNull();

        pair.exchange();

        List<String> server = pair.server.pipeline().names();
        assertThat(server).containsSubsequence(VigilPipeline.KEEPALIVE, VigilPipeline.PING_POLICING,
                VigilPipeline.WEBSOCKET_PROTOCOL);
        assertThat(pair.client.pipeline().names()).containsSubsequence(VigilPipeline.KEEPALIVE,
                VigilPipeline.PING_BACKOFF, VigilPipeline.WEBSOCKET_PROTOCOL);
        WebSocketPingPolicingHandler police = (WebSocketPingPolicingHandler) pair.server.pipeline()
                .get(VigilPipeline.PING_POLICING);

        // The server's probes are answered by the client's pongs, and the client sends pongs nobody asked for:
        // no pong is a ping.
        pair.advanceTo(9 * S);
        assertThat(pair.serverEvents.events(PeerAlive.class)).isNotEmpty();
        for (int i = 0; i < 10; i++) {
            pair.client.writeAndFlush(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) i})));
        }
        pair.exchange();
        assertThat(police.strikes()).isZero();

        for (int i = 1; i <= 2; i++) {
            pair.client.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) i})));
            pair.advanceTo((9 + i) * S);
        }
        assertThat(pair.serverEvents.events(PingStrike.class)).extracting(PingStrike::strikes).containsExactly(1, 2);
        assertThat(pair.server.isOpen()).isTrue();
        pair.client.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {3})));
        pair.exchange();

        assertThat(pair.serverEvents.events(TooManyPings.class)).containsExactly(new TooManyPings(3));
        assertThat(pair.server.isOpen()).isFalse();
        // the client's back-off saw the close frame 1008 "too_many_pings" go by, before its protocol handler
        assertThat(pair.clientEvents.events(PingBackoff.class)).containsExactly(
                new PingBackoff("embedded", 30 * S, 60 * S));
        assertThat(table.idleNanos("embedded")).isEqualTo(60 * S);
    }

    @Test
    void theNextClientConnectionToThatAddressStartsWithTheDoubledIdle() {
        PingBackoffTable table = new PingBackoffTable();
        table.onTooManyPings("embedded", 30 * S);
        KeepAliveHandler[] keepAlive = new KeepAliveHandler[1];
        pair = new WebSocketPair(ch -> WebSocketKeepAlive.server(ch.pipeline(), SERVER, SERVER_POLICY),
                ch -> {
                    keepAlive[0] = WebSocketKeepAlive.client(ch.pipeline(), CLIENT, CLIENT_POLICY);
                    WebSocketKeepAlive.addAfterKeepAlive(ch.pipeline(), VigilPipeline.PING_BACKOFF,
                            new WebSocketPingBackoffHandler(table, HealthRecorder.NOOP));
                });
        assertThat(keepAlive[0].policy().idle()).isEqualTo(Duration.ofSeconds(30));
        pair.exchange();
        assertThat(keepAlive[0].policy().idle()).as("armed at the handshake, backed off").isEqualTo(
                Duration.ofSeconds(60));
    }

    @Test
    void onAnArmedPipelineInstallGoesRightAfterTheKeepAliveHandlerAndWithoutKeepAliveItIsRefused() {
        pair = new WebSocketPair(ch -> WebSocketKeepAlive.server(ch.pipeline(), SERVER, SERVER_POLICY),
                ch -> WebSocketKeepAlive.client(ch.pipeline(), CLIENT, CLIENT_POLICY));
        pair.exchange();
        WebSocketPingPolicingHandler.install(pair.server.pipeline(), PingRatePolicy.defaults(), HealthRecorder.NOOP);
        List<String> names = pair.server.pipeline().names();
        assertThat(names.indexOf(VigilPipeline.PING_POLICING)).isEqualTo(names.indexOf(VigilPipeline.KEEPALIVE) + 1);

        EmbeddedChannel bare = new EmbeddedChannel();
        assertThatThrownBy(() -> WebSocketPingBackoffHandler.install(bare.pipeline(), HealthRecorder.NOOP))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("WebSocketKeepAlive.server(..)");
        bare.finishAndReleaseAll();
    }
}
