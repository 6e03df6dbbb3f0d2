package io.vigil.core.http2;

import static io.vigil.core.http2.CodecPair.MS;
import static io.vigil.core.http2.CodecPair.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.DeadPeerException;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.handler.ReadPath;
import io.vigil.core.machine.HealthState;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.TestChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2KeepAlive#install} on a real {@code Http2FrameCodec} (with and without {@code Http2MultiplexHandler})
 * against a real codec on the peer's side, bytes carried by hand and time driven by a mock clock. (The tail of an
 * {@code EmbeddedChannel} keeps an exception that reaches it for {@code checkException()} instead of logging it; the
 * tail's log on real sockets is checked in {@code VerdictDeliveryTest} and the examples' interop tests.)
 */
class Http2KeepAliveTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();

    private CodecPair pair;
    private EventRecorder events;
    private final FrameLog app = new FrameLog();
    private final FrameLog peerApp = new FrameLog();
    private final List<String> streamLog = new ArrayList<>();
    private Http2KeepAliveHandler handler;

    @AfterEach
    void finish() {
        if (pair != null) {
            pair.close();
        }
    }

    /** A stream handler that records what the stream learns of its connection's health. */
    private final class StreamApp extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            streamLog.add("active, connection " + Http2KeepAlive.of(ctx.channel()).state());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            streamLog.add("exception " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Http2KeepAliveHandler h = Http2KeepAlive.of(ctx.channel());
            streamLog.add("inactive, verdict " + (h.verdict() == null ? null : h.verdict().reason()));
        }
    }

    /** Where the keepalive learns of frames; {@link Http2CodecReadPathTest} runs every test here with the codec's. */
    ReadPath readPath() {
        return ReadPath.HANDLER;
    }

    private void startServer(boolean multiplex, Http2FrameCodec codec) {
        List<ChannelHandler> vigil = new ArrayList<>(List.of(codec));
        if (multiplex) {
            vigil.add(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel ch) {
                    ch.pipeline().addLast(new StreamApp());
                }
            }));
        }
        pair = new CodecPair(vigil.toArray(new ChannelHandler[0]), Http2FrameCodecBuilder.forClient().build(),
                peerApp);
        handler = Http2KeepAlive.install(pair.vigil.pipeline(), POLICY, HealthRecorder.NOOP, readPath());
        events = new EventRecorder(pair.vigil.ticker());
        pair.vigil.pipeline().addLast(app, events);
        pair.pump();
    }

    @Test
    void installPutsTheHandlerBetweenTheCodecAndTheMultiplexHandler() {
        startServer(true, Http2FrameCodecBuilder.forServer().build());
        List<String> names = pair.vigil.pipeline().names();
        assertThat(names.indexOf(VigilPipeline.KEEPALIVE))
                .isEqualTo(names.indexOf(pair.vigil.pipeline().context(Http2FrameCodec.class).name()) + 1)
                .isEqualTo(names.indexOf(pair.vigil.pipeline().context(Http2MultiplexHandler.class).name()) - 1);
        assertThat(Http2KeepAlive.of(pair.vigil)).isSameAs(handler);
    }

    @Test
    void installWithoutACodecSaysWhatToDo() {
        TestChannel plain = TestChannel.create();
        try {
            assertThatThrownBy(() -> Http2KeepAlive.install(plain.pipeline(), POLICY))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("no Http2FrameCodec in the pipeline")
                    .hasMessageContaining("installAfter");
        } finally {
            plain.finishAndReleaseAll();
        }
    }

    @Test
    void aPingProbeIsAnsweredByThePeersCodecWithARoundTripTimeAndTheAckIsConsumed() {
        startServer(false, Http2FrameCodecBuilder.forServer().build());
        long probe = pair.answerFirstProbeAfter(events, 30 * MS);
        assertThat(peerApp.pings).containsExactly("ping " + probe);
        assertThat(events.events(PeerAlive.class)).containsExactly(new PeerAlive(1, 30 * MS));
        assertThat(app.pings).as("our probe's ACK is consumed").isEmpty();
        assertThat(handler.state()).isEqualTo(HealthState.ACTIVE);
    }

    @Test
    void theApplicationsOwnPingAckPassesOnAndEndsNoProbingEpisode() {
        startServer(false, Http2FrameCodecBuilder.forServer().build());
        pair.advanceTo(1_900 * MS);
        pair.peerAnswers = false;
        pair.advanceTo(2_500 * MS);
        assertThat(events.events(ProbeSent.class)).containsExactly(ProbeSent.of(1));
        pair.peerAnswers = true;
        pair.vigil.writeAndFlush(new DefaultHttp2PingFrame(42));
        pair.pump();
        assertThat(app.pings).containsExactly("ack 42");
        // Not an answer to any of Vigil's probes: it reaches the application and proves nothing to the keepalive
        // (a reply nobody here asked for keeps no silent peer alive).
        assertThat(events.events(PeerAlive.class)).isEmpty();
    }

    @Test
    void thePeersPingIsAnsweredOnceByTheCodecAndPassesOn() {
        startServer(false, Http2FrameCodecBuilder.forServer().build());
        pair.peer.writeAndFlush(new DefaultHttp2PingFrame(7));
        pair.pump();
        assertThat(peerApp.pings).containsExactly("ack 7");
        assertThat(app.pings).containsExactly("ping 7");
    }

    @Test
    void withAutoAckOffTheResponderAnswersThePeersPingOnce() {
        startServer(false, Http2FrameCodecBuilder.forServer().autoAckPingFrame(false).build());
        pair.vigil.pipeline().addAfter(VigilPipeline.KEEPALIVE, VigilPipeline.PROBE_RESPONDER,
                Http2PingResponder.handler());
        pair.peer.writeAndFlush(new DefaultHttp2PingFrame(7));
        pair.pump();
        assertThat(peerApp.pings).containsExactly("ack 7");
        assertThat(app.pings).as("answered and consumed by the responder").isEmpty();
    }

    @Test
    void aSilentPeerIsDeclaredDeadAndItsStreamsSeeTheVerdictAsTheirCloseCause() {
        startServer(true, Http2FrameCodecBuilder.forServer().build());
        pair.peer.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("POST").path("/x")
                .scheme("http").authority("test"), false).stream(peerApp.stream()));
        pair.pump();
        assertThat(streamLog).containsExactly("active, connection ACTIVE");
        pair.peerAnswers = false;
        pair.advanceTo(7 * S);
        PeerDead dead = events.events(PeerDead.class).get(0);
        assertThat(dead.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
        assertThat(handler.verdict()).isSameAs(dead);
        assertThat(pair.vigil.isOpen()).isFalse();
        assertThat(streamLog).hasSize(3);
        assertThat(streamLog.get(1)).startsWith("exception " + DeadPeerException.class.getSimpleName()
                + ": peer dead: 3 probes unanswered");
        assertThat(streamLog.get(2)).isEqualTo("inactive, verdict PROBES_UNANSWERED");
        assertThat(events.exceptions()).as("the connection's exception is off by default").isEmpty();
        pair.vigil.checkException(); // an EmbeddedChannel's tail keeps what reached it: nothing did
    }

    @Test
    void withoutAMultiplexHandlerTheVerdictIsTheConnectionsOnly() {
        startServer(false, Http2FrameCodecBuilder.forServer().build());
        handler.exceptionOnVerdict(true);
        pair.peerAnswers = false;
        pair.advanceTo(7 * S);
        assertThat(events.events(PeerDead.class)).hasSize(1);
        assertThat(events.exceptions()).singleElement()
                .satisfies(t -> assertThat(t.what()).isInstanceOf(DeadPeerException.class));
        assertThat(pair.vigil.isOpen()).isFalse();
        pair.vigil.checkException(); // an EmbeddedChannel's tail keeps what reached it: nothing did
    }
}
