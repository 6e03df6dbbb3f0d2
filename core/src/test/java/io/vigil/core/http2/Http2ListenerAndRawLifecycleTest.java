package io.vigil.core.http2;

import static io.vigil.core.http2.CodecPair.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.handler.HealthFeed;
import io.vigil.core.lifecycle.Http2PingBackoffHandler;
import io.vigil.core.lifecycle.Http2PingPolicingHandler;
import io.vigil.core.lifecycle.PingBackoffTable;
import io.vigil.core.lifecycle.PingPolicingFeed;
import io.vigil.core.lifecycle.PingRatePolicy;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.testing.EventRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ping policing and back-off where the frames do not come down the pipeline: a listener-style
 * {@link Http2ConnectionHandler} whose {@code Http2FrameListener} feeds Vigil, and Vigil on the raw bytes before the
 * codec. Real codecs on both sides, bytes carried by hand ({@link CodecPair}), time from a mock clock.
 */
class Http2ListenerAndRawLifecycleTest {

    private static final KeepAlivePolicy FAST = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();

    private CodecPair pair;
    private EventRecorder events;
    private final Http2LifecycleTest.GoAwayLog peerGoAways = new Http2LifecycleTest.GoAwayLog();
    private final FrameLog peerApp = new FrameLog();

    @AfterEach
    void finish() {
        if (pair != null) {
            pair.close();
        }
    }

    /** The application's listener: feeds keepalive and policing what it reads, as the README shows. */
    private static final class Listener extends Http2FrameAdapter {
        HealthFeed keepAlive;
        PingPolicingFeed police;
        int streamId;

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endOfStream) {
            this.streamId = streamId;
            keepAlive.inboundSeen();
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            keepAlive.peerProbeSeen();
            if (police != null) {
                police.peerPingSeen();
            }
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
            keepAlive.probeReplySeen(data); // never policed
        }
    }

    private void events() {
        events = new EventRecorder(pair.vigil.ticker());
        pair.vigil.pipeline().addLast(events);
        pair.pump();
    }

    private void peerPing(long id) {
        pair.peer.writeAndFlush(new DefaultHttp2PingFrame(id));
        pair.pump();
    }

    private void peerAcks(int n) {
        for (int i = 0; i < n; i++) {
            pair.peer.writeAndFlush(new DefaultHttp2PingFrame(1000 + i, true)); // ACKs nobody asked for
        }
        pair.pump();
    }

    private Http2FrameStream peerOpensStream() {
        Http2FrameStream stream = peerApp.stream();
        pair.peer.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("POST").path("/x")
                .scheme("http").authority("test"), false).stream(stream));
        pair.pump();
        return stream;
    }

    @Test
    void listenerStyleServerFedThroughItsFeedStrikesThenSendsGoAwayTooManyPingsAndAcksNeverCount() {
        Listener listener = new Listener();
        Http2ConnectionHandler connection = new Http2ConnectionHandlerBuilder().server(true)
                .frameListener(listener).build();
        pair = new CodecPair(new ChannelHandler[] {connection}, Http2FrameCodecBuilder.forClient().build(),
                peerGoAways, peerApp);
        listener.keepAlive = Http2KeepAlive.installAfter(pair.vigil.pipeline(), connection, FAST, HealthRecorder.NOOP)
                .probeJitter(0);
        Http2PingPolicingHandler police = Http2PingPolicingHandler.installAfter(pair.vigil.pipeline(), connection,
                PingRatePolicy.defaults(), HealthRecorder.NOOP);
        listener.police = police;
        assertThat(pair.vigil.pipeline().names()).containsSubsequence(VigilPipeline.KEEPALIVE,
                VigilPipeline.PING_POLICING);
        events();

        pair.advanceTo(9 * S); // our probes went out and their ACKs came back; more ACKs nobody asked for
        peerAcks(10);
        assertThat(events.events(PeerAlive.class)).isNotEmpty();
        assertThat(police.strikes()).as("PING ACKs are not pings").isZero();

        peerPing(1);
        pair.advanceTo(10 * S);
        peerPing(2);
        assertThat(events.events(PingStrike.class)).extracting(PingStrike::strikes).containsExactly(1, 2);
        assertThat(pair.vigil.isOpen()).isTrue();
        pair.advanceTo(11 * S);
        peerPing(3);
        assertThat(events.events(TooManyPings.class)).containsExactly(new TooManyPings(3));
        assertThat(peerGoAways.goAways).containsExactly("ENHANCE_YOUR_CALM too_many_pings last 0");
        assertThat(pair.vigil.isOpen()).isFalse();
        assertThat(police.peerPingSeen()).as("after the end").isFalse();
    }

    @Test
    void listenerStyleServerWorkSentClearsTheStrikesAndOpenStreamsAreWork() {
        Listener listener = new Listener();
        Http2ConnectionHandler connection = new Http2ConnectionHandlerBuilder().server(true)
                .frameListener(listener).build();
        pair = new CodecPair(new ChannelHandler[] {connection}, Http2FrameCodecBuilder.forClient().build(),
                peerGoAways, peerApp);
        listener.keepAlive = Http2KeepAlive.installAfter(pair.vigil.pipeline(), connection, KeepAlivePolicy
                .builder().idle(Duration.ofMinutes(10)).build(), HealthRecorder.NOOP);
        Http2PingPolicingHandler police = Http2PingPolicingHandler.installAfter(pair.vigil.pipeline(), connection,
                PingRatePolicy.builder().minInterval(Duration.ofSeconds(1))
                        .minIntervalWithoutWork(Duration.ofSeconds(60)).maxStrikes(5).build(), HealthRecorder.NOOP);
        listener.police = police;
        events();

        pair.advanceTo(5 * S);
        peerPing(1);
        assertThat(police.strikes()).as("no stream: 60 s minimum").isEqualTo(1);
        peerOpensStream();
        pair.advanceTo(7 * S);
        peerPing(2);
        assertThat(police.strikes()).as("a stream is open: 1 s minimum, 7 s since the start").isEqualTo(1);
        pair.advanceTo(7_500 * CodecPair.MS);
        peerPing(3);
        assertThat(police.strikes()).isEqualTo(2);
        police.workSent(); // the server answered on the stream
        assertThat(police.strikes()).isZero();
        assertThat(events.events(PingStrike.class)).hasSize(2);
    }

    @Test
    void installAfterAnHttp2FrameCodecOnlyPipelineIsRefusedForListenerStyleCodecs() {
        Http2ConnectionHandler connection = new Http2ConnectionHandlerBuilder().server(true)
                .frameListener(new Http2FrameAdapter()).build();
        pair = new CodecPair(new ChannelHandler[] {connection}, Http2FrameCodecBuilder.forClient().build());
        assertThatThrownBy(() -> Http2PingPolicingHandler.install(pair.vigil.pipeline(), PingRatePolicy.defaults(),
                HealthRecorder.NOOP)).isInstanceOf(IllegalStateException.class).hasMessageContaining("installAfter")
                .hasMessageContaining("installBefore");
    }

    @Test
    void listenerStyleClientToldTooManyPingsDoublesItsIdleForThatAddressAndTheNextConnectionUsesIt() {
        PingBackoffTable table = new PingBackoffTable();
        long[] idles = {2 * S, 2 * S, 4 * S};
        for (int i = 0; i < 3; i++) {
            Listener listener = new Listener();
            Http2ConnectionHandler connection = new Http2ConnectionHandlerBuilder().server(false)
                    .frameListener(listener).build();
            pair = new CodecPair(new ChannelHandler[] {connection}, Http2FrameCodecBuilder.forServer().build());
            Http2KeepAliveHandler keepAlive = Http2KeepAlive.installAfter(pair.vigil.pipeline(), connection, FAST,
                    HealthRecorder.NOOP);
            listener.keepAlive = keepAlive;
            pair.vigil.pipeline().addAfter(VigilPipeline.KEEPALIVE, VigilPipeline.PING_BACKOFF,
                    new Http2PingBackoffHandler(table, HealthRecorder.NOOP));
            events();
            assertThat(keepAlive.policy().idleNanos()).as("at activation, from the table").isEqualTo(idles[i]);
            if (i == 0) {
                pair.peer.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR,
                        Unpooled.copiedBuffer("max_age", StandardCharsets.US_ASCII)));
                pair.pump();
                assertThat(events.events(PingBackoff.class)).as("another GOAWAY is no back-off").isEmpty();
            } else {
                pair.peer.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.ENHANCE_YOUR_CALM,
                        Unpooled.copiedBuffer("too_many_pings", StandardCharsets.US_ASCII)));
                pair.pump();
                assertThat(events.events(PingBackoff.class)).containsExactly(new PingBackoff("embedded", idles[i],
                        2 * idles[i]));
                assertThat(keepAlive.policy().idleNanos()).isEqualTo(2 * idles[i]);
            }
            pair.close();
            pair = null;
        }
        assertThat(table.idleNanos("embedded")).isEqualTo(8 * S);
    }

    /** A framework's codec whose listener we cannot change: Vigil on the raw bytes before it. */
    private Http2ConnectionHandler rawServer(PingRatePolicy policy) {
        Http2ConnectionHandler codec = new Http2ConnectionHandlerBuilder().server(true)
                .frameListener(new Http2FrameAdapter() {
                    @Override
                    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                                          boolean endOfStream) {
                        return data.readableBytes() + padding;
                    }
                }).build();
        pair = new CodecPair(new ChannelHandler[] {codec}, Http2FrameCodecBuilder.forClient().build(), peerGoAways,
                peerApp);
        Http2KeepAlive.installBefore(pair.vigil.pipeline(), codec, FAST, HealthRecorder.NOOP).probeJitter(0);
        Http2PingPolicingHandler.installBefore(pair.vigil.pipeline(), codec, policy, HealthRecorder.NOOP);
        assertThat(pair.vigil.pipeline().names()).containsSubsequence(VigilPipeline.KEEPALIVE,
                VigilPipeline.PING_POLICING);
        events();
        return codec;
    }

    @Test
    void onRawBytesTheThirdEarlyPingGetsTheCodecsGoAwayTooManyPingsUnansweredAndAcksNeverCount() {
        rawServer(PingRatePolicy.defaults());
        Http2PingPolicingHandler police = (Http2PingPolicingHandler) pair.vigil.pipeline()
                .get(VigilPipeline.PING_POLICING);
        pair.advanceTo(9 * S); // our raw PINGs went out, the peer's codec ACKed each one
        assertThat(peerApp.pings).as("our probes reached the peer").isNotEmpty();
        peerAcks(10);
        assertThat(police.strikes()).as("PING ACKs are not pings").isZero();

        peerPing(1);
        pair.advanceTo(10 * S);
        peerPing(2);
        assertThat(events.events(PingStrike.class)).extracting(PingStrike::strikes).containsExactly(1, 2);
        assertThat(peerApp.pings).as("tolerated pings are answered by the codec").contains("ack 1", "ack 2");
        pair.advanceTo(11 * S);
        peerPing(3);
        assertThat(events.events(TooManyPings.class)).containsExactly(new TooManyPings(3));
        assertThat(peerGoAways.goAways).containsExactly("ENHANCE_YOUR_CALM too_many_pings last 0");
        assertThat(peerApp.pings).as("the ping that ended it never reached the codec").doesNotContain("ack 3");
        assertThat(pair.vigil.isOpen()).isFalse();
    }

    @Test
    void onRawBytesTheCodecsOutboundHeadersClearTheStrikesAndOpenStreamsAreWork() {
        Http2ConnectionHandler codec = rawServer(PingRatePolicy.builder().minInterval(Duration.ofSeconds(1))
                .minIntervalWithoutWork(Duration.ofSeconds(60)).maxStrikes(5).build());
        Http2PingPolicingHandler police = (Http2PingPolicingHandler) pair.vigil.pipeline()
                .get(VigilPipeline.PING_POLICING);
        assertThatThrownBy(() -> Http2PingPolicingHandler.installBefore(pair.vigil.pipeline(), codec,
                PingRatePolicy.defaults(), HealthRecorder.NOOP)).as("the frame boundaries are behind us")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("preface");
        pair.advanceTo(5 * S);
        peerPing(1);
        assertThat(police.strikes()).as("no stream: 60 s minimum").isEqualTo(1);
        Http2FrameStream stream = peerOpensStream();
        pair.advanceTo(7 * S);
        peerPing(2);
        assertThat(police.strikes()).as("a stream is open: 1 s minimum").isEqualTo(1);
        pair.advanceTo(7_500 * CodecPair.MS);
        peerPing(3);
        assertThat(police.strikes()).isEqualTo(2);
        ChannelHandlerContext codecCtx = pair.vigil.pipeline().context(codec);
        codec.encoder().writeHeaders(codecCtx, stream.id(), new DefaultHttp2Headers().status("200"), 0, false,
                codecCtx.newPromise());
        codecCtx.flush();
        pair.pump();
        assertThat(police.strikes()).as("the codec's HEADERS went out through the policing handler").isZero();
    }

    @Test
    void onRawBytesThatDoNotStartAsHttp2NothingIsPolicedRatherThanMadeUp() {
        // an HTTP/1.1 request where the preface should be, then a PING frame: the scanner gives up, logs, polices
        // nothing, and does not mistake the bytes for frames
        Http2ConnectionHandler codec = new Http2ConnectionHandlerBuilder().server(true)
                .frameListener(new Http2FrameAdapter()).build();
        pair = new CodecPair(new ChannelHandler[] {codec}, Http2FrameCodecBuilder.forClient().build());
        Http2PingPolicingHandler police = Http2PingPolicingHandler.installBefore(pair.vigil.pipeline(), codec, PingRatePolicy.builder()
                .maxStrikes(0).build(), HealthRecorder.NOOP);
        byte[] ping = {0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
        pair.vigil.writeInbound(Unpooled.wrappedBuffer(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n",
                StandardCharsets.US_ASCII), Unpooled.wrappedBuffer(ping)));
        assertThat(police.strikes()).isZero();
        pair.vigil.releaseInbound();
        pair.vigil.releaseOutbound();
    }

    @Test
    void onRawBytesAClientToldTooManyPingsBacksOffThroughTheCodecsConnection() {
        PingBackoffTable table = new PingBackoffTable();
        ChannelHandler codec = Http2FrameCodecBuilder.forClient().build();
        pair = new CodecPair(new ChannelHandler[] {codec}, Http2FrameCodecBuilder.forServer().build());
        Http2KeepAliveHandler keepAlive = Http2KeepAlive.installBefore(pair.vigil.pipeline(), codec, FAST,
                HealthRecorder.NOOP);
        pair.vigil.pipeline().addAfter(VigilPipeline.KEEPALIVE, VigilPipeline.PING_BACKOFF,
                new Http2PingBackoffHandler(table, HealthRecorder.NOOP));
        events();
        pair.peer.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.ENHANCE_YOUR_CALM,
                Unpooled.copiedBuffer("too_many_pings", StandardCharsets.US_ASCII)));
        pair.pump();
        assertThat(events.events(PingBackoff.class)).containsExactly(new PingBackoff("embedded", 2 * S, 4 * S));
        assertThat(keepAlive.policy().idleNanos()).isEqualTo(4 * S);
        assertThat(table.idleNanos("embedded")).isEqualTo(4 * S);
    }
}
