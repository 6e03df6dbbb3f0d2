package io.vigil.core.http2;

import static io.vigil.core.http2.CodecPair.MS;
import static io.vigil.core.http2.CodecPair.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.buffer.Unpooled;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.ConnectionRetired;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.lifecycle.ConnectionLifetime;
import io.vigil.core.lifecycle.Http2ConnectionLifetimeHandler;
import io.vigil.core.lifecycle.Http2PingBackoffHandler;
import io.vigil.core.lifecycle.Http2PingPolicingHandler;
import io.vigil.core.lifecycle.PingBackoffTable;
import io.vigil.core.lifecycle.PingRatePolicy;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.testing.EventRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 lifecycle policies on real codecs, bytes carried by hand and time driven by a mock clock: ping-rate
 * policing (strikes, {@code GOAWAY too_many_pings}, ACKs never counted), the client's back-off, max idle and max
 * age with its double {@code GOAWAY} and grace period.
 */
class Http2LifecycleTest {

    private static final KeepAlivePolicy FAST = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();

    private CodecPair pair;
    private EventRecorder events;
    private final GoAwayLog peerGoAways = new GoAwayLog();
    private final FrameLog peerApp = new FrameLog();

    @AfterEach
    void finish() {
        if (pair != null) {
            pair.close();
        }
    }

    /** Records the {@code GOAWAY}s a codec receives, as {@code "ENHANCE_YOUR_CALM too_many_pings last 0"}. */
    static final class GoAwayLog extends io.netty.channel.ChannelInboundHandlerAdapter {
        final List<String> goAways = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                Http2GoAwayFrame g = (Http2GoAwayFrame) msg;
                goAways.add(Http2Error.valueOf(g.errorCode()) + " " + g.content().toString(StandardCharsets.US_ASCII)
                        + " last " + g.lastStreamId());
                g.release();
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    private void server(KeepAlivePolicy keepAlive, ChannelHandler... extra) {
        pair = new CodecPair(new ChannelHandler[] {Http2FrameCodecBuilder.forServer().build()},
                Http2FrameCodecBuilder.forClient().build(), peerGoAways, peerApp);
        if (keepAlive != null) {
            Http2KeepAlive.install(pair.vigil.pipeline(), keepAlive).probeJitter(0);
        }
        events = new EventRecorder(pair.vigil.ticker());
        pair.vigil.pipeline().addLast(extra);
        pair.vigil.pipeline().addLast(new FrameLog(), events);
        pair.pump();
    }

    private Http2PingPolicingHandler policing(PingRatePolicy policy) {
        return Http2PingPolicingHandler.install(pair.vigil.pipeline(), policy, HealthRecorder.NOOP);
    }

    private void peerPing(long id) {
        pair.peer.writeAndFlush(new DefaultHttp2PingFrame(id));
        pair.pump();
    }

    @Test
    void theThirdEarlyPingGetsGoAwayEnhanceYourCalmTooManyPingsAndTheConnectionCloses() {
        server(null);
        Http2PingPolicingHandler police = policing(PingRatePolicy.defaults());
        pair.advanceTo(10 * S);
        peerPing(1);
        pair.advanceTo(20 * S);
        peerPing(2);
        assertThat(police.strikes()).isEqualTo(2);
        assertThat(peerGoAways.goAways).isEmpty();
        assertThat(pair.vigil.isOpen()).isTrue();
        pair.advanceTo(30 * S);
        peerPing(3);
        assertThat(events.events(PingStrike.class)).extracting(PingStrike::strikes).containsExactly(1, 2);
        assertThat(events.events(PingStrike.class).get(0).withoutWork()).isTrue();
        assertThat(events.events(TooManyPings.class)).containsExactly(new TooManyPings(3));
        assertThat(peerGoAways.goAways).containsExactly("ENHANCE_YOUR_CALM too_many_pings last 0");
        assertThat(pair.vigil.isOpen()).isFalse();
    }

    @Test
    void pingAcksNeverCountOursAnsweredOrUnsolicitedOnes() {
        server(FAST);
        Http2PingPolicingHandler police = policing(PingRatePolicy.builder().maxStrikes(0).build());
        pair.advanceTo(60 * S); // our keepalive probes the peer every 2 s; the peer's codec ACKs each one
        assertThat(peerApp.pings).hasSizeGreaterThan(20);
        for (int i = 0; i < 10; i++) {
            pair.peer.writeAndFlush(new DefaultHttp2PingFrame(100 + i, true)); // ACKs nobody asked for
        }
        pair.pump();
        assertThat(police.strikes()).isZero();
        assertThat(events.events(PingStrike.class)).isEmpty();
        assertThat(pair.vigil.isOpen()).isTrue();
    }

    @Test
    void aPeerWithinTheLimitsIsNeverStruck() {
        server(null);
        Http2PingPolicingHandler police = policing(PingRatePolicy.builder().minInterval(Duration.ofSeconds(10))
                .permitKeepAliveWithoutCalls(true).build());
        for (int i = 1; i <= 30; i++) {
            pair.advanceTo(i * 10 * S);
            peerPing(i);
        }
        assertThat(police.strikes()).isZero();
        assertThat(pair.vigil.isOpen()).isTrue();
        assertThat(peerApp.pings).hasSize(30);
    }

    @Test
    void withoutAnOpenStreamTheLongerMinimumAppliesAndSendingHeadersClearsTheStrikes() {
        StreamCatcher catcher = new StreamCatcher();
        server(null, catcher);
        Http2PingPolicingHandler police = policing(PingRatePolicy.builder().minInterval(Duration.ofSeconds(1))
                .minIntervalWithoutWork(Duration.ofSeconds(60)).maxStrikes(5).build());
        pair.advanceTo(5 * S);
        peerPing(1);
        assertThat(police.strikes()).as("no stream: 60 s minimum").isEqualTo(1);
        Http2FrameStream stream = peerApp.stream();
        pair.peer.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("POST").path("/x")
                .scheme("http").authority("test"), false).stream(stream));
        pair.pump();
        pair.advanceTo(7 * S);
        peerPing(2);
        assertThat(police.strikes()).as("a stream is open: 1 s minimum, 7 s since the start").isEqualTo(1);
        pair.advanceTo(7_500 * MS);
        peerPing(3);
        assertThat(police.strikes()).isEqualTo(2);
        // the server answers on the stream: HEADERS clear the strikes, as in gRPC
        pair.vigil.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false)
                .stream(catcher.stream));
        pair.pump();
        assertThat(police.strikes()).isZero();
    }

    /** Catches the stream of the HEADERS the server receives, to answer on it. */
    static final class StreamCatcher extends io.netty.channel.ChannelInboundHandlerAdapter {
        Http2FrameStream stream;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.handler.codec.http2.Http2HeadersFrame) {
                stream = ((io.netty.handler.codec.http2.Http2HeadersFrame) msg).stream();
            }
            ctx.fireChannelRead(msg);
        }
    }

    @Test
    void aClientToldTooManyPingsDoublesItsIdleForThatAddressAndTheNextConnectionUsesIt() {
        PingBackoffTable table = new PingBackoffTable();
        long[] idles = {2 * S, 2 * S, 4 * S};
        for (int connection = 0; connection < 3; connection++) {
            pair = new CodecPair(new ChannelHandler[] {Http2FrameCodecBuilder.forClient().build()},
                    Http2FrameCodecBuilder.forServer().build());
            Http2KeepAliveHandler keepAlive = Http2KeepAlive.install(pair.vigil.pipeline(), FAST);
            pair.vigil.pipeline().addAfter(VigilPipeline.KEEPALIVE, VigilPipeline.PING_BACKOFF,
                    new Http2PingBackoffHandler(table, HealthRecorder.NOOP));
            events = new EventRecorder(pair.vigil.ticker());
            pair.vigil.pipeline().addLast(new FrameLog(), events);
            // at activation the handler looked the address up: later connections start backed off
            assertThat(keepAlive.policy().idleNanos()).isEqualTo(idles[connection]);
            pair.pump();
            if (connection == 0) {
                pair.peer.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR,
                        Unpooled.copiedBuffer("max_age", StandardCharsets.US_ASCII)));
                pair.pump();
                assertThat(events.events(PingBackoff.class)).as("another GOAWAY is no back-off").isEmpty();
            } else {
                pair.peer.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.ENHANCE_YOUR_CALM,
                        Unpooled.copiedBuffer("too_many_pings", StandardCharsets.US_ASCII)));
                pair.pump();
                assertThat(events.events(PingBackoff.class)).containsExactly(new PingBackoff("embedded",
                        idles[connection], 2 * idles[connection]));
            }
            pair.close();
            pair = null;
        }
        assertThat(table.idleNanos("embedded")).isEqualTo(8 * S);
    }

    @Test
    void maxIdleSendsGoAwayNoErrorMaxIdleAndClosesProbesDoNotCount() {
        server(FAST, new Http2ConnectionLifetimeHandler(ConnectionLifetime.builder().maxIdle(Duration.ofSeconds(8))
                .build(), HealthRecorder.NOOP));
        pair.advanceTo(7 * S);
        assertThat(peerApp.pings).as("probes went out and were answered").isNotEmpty();
        assertThat(pair.vigil.isOpen()).isTrue();
        pair.advanceTo(11 * S);
        assertThat(events.events(ConnectionRetired.class)).containsExactly(
                new ConnectionRetired(ConnectionRetired.Reason.MAX_IDLE, 8 * S, false));
        assertThat(peerGoAways.goAways).containsExactly("NO_ERROR max_idle last 0");
        assertThat(pair.vigil.isOpen()).isFalse();
    }

    @Test
    void applicationTrafficKeepsMaxIdleAway() {
        server(null, new Http2ConnectionLifetimeHandler(ConnectionLifetime.builder().maxIdle(Duration.ofSeconds(8))
                .build(), HealthRecorder.NOOP));
        Http2FrameStream stream = peerApp.stream();
        pair.peer.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("POST").path("/x")
                .scheme("http").authority("test"), false).stream(stream));
        pair.pump();
        pair.advanceTo(30 * S);
        assertThat(pair.vigil.isOpen()).as("a stream is open: not idle").isTrue();
        pair.peer.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true).stream(stream));
        pair.pump();
        assertThat(events.events(ConnectionRetired.class)).isEmpty();
    }

    @Test
    void maxAgeSendsTwoGoAwaysLetsTheOpenStreamRunThenClosesAtTheEndOfTheGrace() {
        server(null, new Http2ConnectionLifetimeHandler(ConnectionLifetime.builder().maxAge(Duration.ofSeconds(10))
                .grace(Duration.ofSeconds(5)).build(), HealthRecorder.NOOP));
        Http2FrameStream stream = peerApp.stream();
        pair.peer.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("POST").path("/x")
                .scheme("http").authority("test"), false).stream(stream));
        pair.pump();
        pair.advanceTo(8_990 * MS);
        assertThat(peerGoAways.goAways).as("not before 90 %% of the age").isEmpty();
        pair.advanceTo(11_010 * MS);
        ConnectionRetired retired = events.events(ConnectionRetired.class).get(0);
        assertThat(retired.reason()).isEqualTo(ConnectionRetired.Reason.MAX_AGE);
        assertThat(retired.afterNanos()).isBetween(9 * S, 11 * S);
        assertThat(peerGoAways.goAways).containsExactly("NO_ERROR max_age last " + Integer.MAX_VALUE,
                "NO_ERROR max_age last " + stream.id());
        assertThat(pair.vigil.isOpen()).as("the open stream may finish within the grace").isTrue();
        pair.advanceTo(retired.afterNanos() + 5 * S + 20 * MS);
        assertThat(events.events(ConnectionRetired.class)).hasSize(2);
        assertThat(events.events(ConnectionRetired.class).get(1).forced()).isTrue();
        assertThat(pair.vigil.isOpen()).isFalse();
    }

    @Test
    void theAgeIsJitteredTenPercentEitherWay() {
        ConnectionLifetime lifetime = ConnectionLifetime.builder().maxAge(Duration.ofSeconds(100)).build();
        assertThat(lifetime.jitteredAgeNanos(0)).isEqualTo(90 * S);
        assertThat(lifetime.jitteredAgeNanos(0.5)).isEqualTo(100 * S);
        assertThat(lifetime.jitteredAgeNanos(Math.nextDown(1.0))).isBetween(109 * S, 110 * S);
    }
}
