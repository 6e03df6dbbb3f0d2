package io.vigil.core.http2;

import static io.vigil.core.http2.CodecPair.MS;
import static io.vigil.core.http2.CodecPair.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PeerDead;
import io.vigil.core.handler.HealthFeed;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.testing.EventRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keepalive with codecs whose frames do not go down the pipeline: a real {@link Http2ConnectionHandler} with an
 * {@code Http2FrameListener} (how grpc-java is built) feeding the handler through {@link HealthFeed}, and the
 * handler on raw bytes before a codec. The peer is a real {@code Http2FrameCodec}; time is a mock clock.
 */
class ListenerStyleTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();

    private CodecPair pair;
    private EventRecorder events;
    private final FrameLog peerApp = new FrameLog();

    /** The application's listener, which feeds keepalive what it reads. */
    private static final class Listener extends Http2FrameAdapter {
        HealthFeed feed;
        final List<Long> ownAcks = new ArrayList<>();

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                              boolean endOfStream) {
            feed.inboundSeen();
            return data.readableBytes() + padding;
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            feed.inboundSeen();
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            feed.peerProbeSeen();
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
            if (!feed.probeReplySeen(data)) {
                ownAcks.add(data);
            }
        }
    }

    private void startEvents() {
        events = new EventRecorder(pair.vigil.ticker());
        pair.vigil.pipeline().addLast(events);
        pair.pump();
    }

    @AfterEach
    void finish() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aListenerFeedsTheHandlerProbesGoThroughTheEncoderAndOnlyOurAcksAreTaken() {
        Listener listener = new Listener();
        Http2ConnectionHandler connection = new Http2ConnectionHandlerBuilder().server(true)
                .frameListener(listener).build();
        pair = new CodecPair(new ChannelHandler[] {connection}, Http2FrameCodecBuilder.forClient().build(), peerApp);
        Http2KeepAliveHandler handler = Http2KeepAlive.installAfter(pair.vigil.pipeline(), connection, POLICY,
                HealthRecorder.NOOP);
        listener.feed = handler;
        startEvents();

        long probe = pair.answerFirstProbeAfter(events, 40 * MS);
        assertThat(peerApp.pings).containsExactly("ping " + probe);
        assertThat(events.events(PeerAlive.class)).containsExactly(new PeerAlive(1, 40 * MS));
        assertThat(listener.ownAcks).isEmpty();

        // The application's own PING: its ACK is not ours and goes to the application.
        ChannelHandlerContext ctx = pair.vigil.pipeline().context(connection);
        connection.encoder().writePing(ctx, false, 42, ctx.newPromise());
        ctx.flush();
        pair.pump();
        assertThat(listener.ownAcks).containsExactly(42L);

        // Silence: the verdict, as with a frame codec.
        pair.peerAnswers = false;
        pair.advanceTo(10 * S);
        assertThat(events.events(PeerDead.class)).singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED));
        assertThat(pair.vigil.isOpen()).isFalse();
        pair.vigil.checkException();
    }

    @Test
    void beforeTheCodecOnRawBytesAnyByteProvesLifeWithoutARoundTripTime() {
        FrameLog app = new FrameLog();
        ChannelHandler codec = Http2FrameCodecBuilder.forServer().build();
        pair = new CodecPair(new ChannelHandler[] {codec, app}, Http2FrameCodecBuilder.forClient().build(), peerApp);
        Http2KeepAlive.installBefore(pair.vigil.pipeline(), codec, POLICY, HealthRecorder.NOOP);
        startEvents();

        long probe = pair.answerFirstProbeAfter(events, 40 * MS);
        assertThat(peerApp.pings).as("a well-formed PING reached the peer's codec").containsExactly("ping " + probe);
        assertThat(events.events(PeerAlive.class)).containsExactly(new PeerAlive(1, PeerAlive.UNKNOWN_RTT));
        assertThat(app.pings).as("the codec after us decoded the ACK and passed it on").containsExactly("ack " + probe);

        pair.peer.writeAndFlush(new DefaultHttp2PingFrame(7));
        pair.pump();
        assertThat(peerApp.pings).endsWith("ack 7");
        pair.peerAnswers = false;
        pair.advanceTo(10 * S);
        assertThat(events.events(PeerDead.class)).hasSize(1);
        assertThat(pair.vigil.isOpen()).isFalse();
    }
}
