package io.vigil.core.websocket;

import static io.vigil.core.websocket.WebSocketPair.MS;
import static io.vigil.core.websocket.WebSocketPair.S;
import static io.vigil.core.websocket.WebSocketPair.TICK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.ProbeSetupException;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.machine.HealthState;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.Prober;
import io.vigil.core.testing.EventRecorder.Timed;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket keepalive between Netty's real WebSocket codecs on both ends ({@link WebSocketPair}), time on a mock
 * clock: arming after the handshake, pings answered with the RTT, the dropped-pong trap reproduced and prevented,
 * the verdict on a silent peer, and which pongs are consumed.
 */
class WebSocketKeepAliveTest {

    /** Idle 2 s, then 3 probes 1 s apart: a silent peer is dead 5 s after its last frame. */
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();
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

    private static Consumer<Channel> vigilServer(WebSocketServerProtocolConfig config) {
        return ch -> WebSocketKeepAlive.server(ch.pipeline(), config, POLICY, HealthRecorder.NOOP);
    }

    private static Consumer<Channel> plainClient() {
        return ch -> ch.pipeline().addLast(
                new io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler(CLIENT));
    }

    @Test
    void armsOnlyAfterTheHandshakeJustBeforeTheProtocolHandler() {
        pair = new WebSocketPair(vigilServer(SERVER), plainClient());
        assertThat(pair.server.pipeline().get(VigilPipeline.KEEPALIVE)).as("before the upgrade").isNull();
        assertThat(pair.server.pipeline().get(VigilPipeline.WEBSOCKET_ARMING)).isNotNull();

        pair.exchange();

        List<String> names = pair.server.pipeline().names();
        assertThat(names).contains(VigilPipeline.KEEPALIVE).doesNotContain(VigilPipeline.WEBSOCKET_ARMING);
        assertThat(names.indexOf(VigilPipeline.KEEPALIVE)).isEqualTo(names.indexOf(VigilPipeline.WEBSOCKET_PROTOCOL) - 1);
        assertThat(pair.serverEvents.events(HandshakeComplete.class)).as("the event still reaches the app").hasSize(1);
    }

    @Test
    void beforeTheUpgradeNoProbeIsSentAndNoVerdictMade() {
        pair = new WebSocketPair(vigilServer(SERVER), plainClient());
        pair.clientSilent = true; // the upgrade request never arrives: the server keeps speaking HTTP

        pair.advanceTo(20 * S);

        assertThat(pair.server.isOpen()).isTrue();
        assertThat(pair.server.pipeline().get(VigilPipeline.KEEPALIVE)).isNull();
        assertThat(pair.serverEvents.events(ProbeSent.class)).isEmpty();
        assertThat(pair.serverEvents.exceptions()).isEmpty();
    }

    @Test
    void aPeerThatAnswersPingsStaysAliveWithItsRoundTripTime() {
        pair = new WebSocketPair(vigilServer(SERVER), plainClient());
        pair.exchange();
        KeepAliveHandler keepAlive = (KeepAliveHandler) pair.server.pipeline().get(VigilPipeline.KEEPALIVE);

        pair.advanceTo(30 * S);

        assertThat(pair.serverEvents.events(PeerDead.class)).isEmpty();
        List<PeerAlive> alive = pair.serverEvents.events(PeerAlive.class);
        assertThat(alive).as("one probing episode per idle period, each ended by the pong").hasSizeGreaterThan(5);
        assertThat(alive).allSatisfy(a -> assertThat(a.rttNanos()).isBetween(0L, 2 * TICK));
        assertThat(pair.clientOpcodes[0xA]).as("pongs the client sent").isEqualTo(alive.size());
        assertThat(pair.serverEvents.messagesRead()).as("our pongs are consumed, not passed to the app").isZero();
        assertThat(keepAlive.state()).isNotEqualTo(HealthState.DEAD);
        assertThat(pair.server.isOpen()).isTrue();
    }

    /** A by-hand WebSocket prober, as users wrote before Vigil had one: the right frames, no placement check. */
    private static final Prober NAIVE = new Prober() {
        @Override
        public String protocol() {
            return "naive";
        }

        @Override
        public ChannelFuture sendProbe(ChannelHandlerContext ctx, long id) {
            return ctx.writeAndFlush(new PingWebSocketFrame(ctx.alloc().buffer(8).writeLong(id)));
        }

        @Override
        public boolean isReply(Object msg) {
            return msg instanceof PongWebSocketFrame;
        }

        @Override
        public long replyId(Object reply) {
            return ((PongWebSocketFrame) reply).content().getLong(0);
        }

        @Override
        public boolean isPeerProbe(Object msg) {
            return msg instanceof PingWebSocketFrame;
        }
    };

    /** A default protocol handler with a keepalive handler added by hand after it once the handshake is done. */
    private static Consumer<Channel> keepAliveAfterTheProtocolHandler(Prober prober) {
        return ch -> ch.pipeline().addLast(new WebSocketServerProtocolHandler(SERVER))
                .addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof HandshakeComplete) {
                            ctx.pipeline().addAfter(ctx.name(), "byHand", new KeepAliveHandler(POLICY, prober));
                        }
                        ctx.fireUserEventTriggered(evt);
                    }
                });
    }

    /**
     * The trap of issue 11, reproduced: a keepalive handler added by hand after a default
     * {@code WebSocketServerProtocolHandler} ({@code dropPongFrames(true)}) never sees the pongs, and kills a peer
     * that answered every ping.
     */
    @Test
    void trapReproducedKeepAliveAfterADefaultProtocolHandlerKillsAHealthyPeer() {
        pair = new WebSocketPair(keepAliveAfterTheProtocolHandler(NAIVE), plainClient());
        pair.exchange();

        pair.advanceTo(10 * S);

        assertThat(pair.clientOpcodes[0xA]).as("the client answered all three pings, at 2, 3 and 4 s").isEqualTo(3);
        List<PeerDead> dead = pair.serverEvents.events(PeerDead.class);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
        assertThat(pair.server.isOpen()).isFalse();
    }

    /** Vigil's prober placed by hand in the same spot refuses at its first probe, naming the setting. */
    @Test
    void trapPreventedWebSocketProberAfterTheProtocolHandlerIsRefusedNamingTheSetting() {
        pair = new WebSocketPair(keepAliveAfterTheProtocolHandler(WebSocketProber.INSTANCE), plainClient());
        pair.exchange();

        pair.advanceTo(10 * S);

        assertThat(pair.serverEvents.exceptions()).singleElement().extracting(Timed::what)
                .isInstanceOfSatisfying(ProbeSetupException.class, e -> assertThat(e.getMessage())
                        .contains("dropPongFrames(false)").contains("before the protocol handler"));
        assertThat(pair.serverEvents.events(PeerDead.class)).as("no verdict on a peer we cannot hear").isEmpty();
        assertThat(pair.clientOpcodes[0x9]).as("no ping went out").isZero();
        assertThat(pair.server.isOpen()).isTrue();
    }

    /** The same peer and protocol handler configuration, installed with {@link WebSocketKeepAlive}: no verdict. */
    @Test
    void trapPreventedTheSameDefaultConfigurationThroughTheInstallKeepsThePeer() {
        assertThat(SERVER.dropPongFrames()).as("Netty's default").isTrue();
        pair = new WebSocketPair(vigilServer(SERVER), plainClient());
        pair.exchange();

        pair.advanceTo(10 * S);

        assertThat(pair.serverEvents.events(PeerDead.class)).isEmpty();
        assertThat(pair.serverEvents.events(PeerAlive.class)).as("probes at 2, 4, 6 and 8 s, each answered").hasSize(4);
        assertThat(pair.clientOpcodes[0xA]).isEqualTo(4);
        assertThat(pair.server.isOpen()).isTrue();
    }

    @Test
    void aSilentPeerIsDeclaredDeadAtIdlePlusProbesTimesInterval() {
        pair = new WebSocketPair(vigilServer(SERVER), plainClient());
        pair.exchange();
        long lastFrame = pair.now();
        pair.clientSilent = true;

        pair.advanceTo(10 * S);

        List<Timed> events = pair.serverEvents.events();
        Timed dead = events.stream().filter(t -> t.what() instanceof PeerDead).findFirst().orElseThrow();
        assertThat(((PeerDead) dead.what()).reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
        // On the kernel's grid (the handler's default): never before the nominal 5 s, at most the kernel's latest
        // real verdict for this policy (its timer wheel's rounding) plus the stamp margin and one tick.
        assertThat(dead.nanos() - lastFrame).isBetween(5 * S, POLICY.kernelSchedule().verdictLatestNanos() + 3 * TICK);
        assertThat(pair.server.isOpen()).isFalse();
    }

    @Test
    void aClientProbesTheServerWhichAnswersThroughItsProtocolHandler() {
        pair = new WebSocketPair(ch -> ch.pipeline().addLast(new WebSocketServerProtocolHandler(SERVER)),
                ch -> WebSocketKeepAlive.client(ch.pipeline(), CLIENT, POLICY));
        pair.exchange();
        assertThat(pair.client.pipeline().names()).contains(VigilPipeline.KEEPALIVE);

        pair.advanceTo(10 * S);

        assertThat(pair.clientEvents.events(PeerAlive.class)).hasSize(4);
        assertThat(pair.clientEvents.events(PeerDead.class)).isEmpty();
        assertThat(pair.client.isOpen()).isTrue();
    }

    @Test
    void anyFrameProvesLifeAndNoProbeIsSent() {
        pair = new WebSocketPair(vigilServer(SERVER), plainClient());
        pair.exchange();
        for (long t = 1_500 * MS; t <= 12 * S; t += 1_500 * MS) {
            pair.advanceTo(t);
            pair.client.writeAndFlush(new TextWebSocketFrame("tick"));
        }
        pair.advanceTo(13 * S);

        assertThat(pair.serverEvents.events(ProbeSent.class)).isEmpty();
        assertThat(pair.serverEvents.messagesRead()).as("text frames reach the app").isEqualTo(8);
    }

    @Test
    void aPongThatAnswersNoProbeOfOursPassesOnToTheApplication() {
        WebSocketServerProtocolConfig keepPongs = SERVER.toBuilder().dropPongFrames(false).build();
        pair = new WebSocketPair(vigilServer(keepPongs), plainClient());
        pair.exchange();

        pair.client.writeAndFlush(new PongWebSocketFrame(Unpooled.buffer(8).writeLong(42)));
        pair.exchange();
        assertThat(pair.serverEvents.messagesRead()).as("unsolicited pong").isEqualTo(1);

        pair.advanceTo(3 * S); // a probe goes out at 2 s and its pong comes back
        assertThat(pair.serverEvents.events(PeerAlive.class)).hasSize(1);
        assertThat(pair.serverEvents.messagesRead()).as("our pong was consumed").isEqualTo(1);
    }

    @Test
    void aHandshakeDoneByHandGetsAPingResponder() {
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(true, false, 65_536),
                new WebSocket13FrameEncoder(false));
        EmbeddedChannel peer = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 65_536),
                new WebSocket13FrameEncoder(true));
        try {
            WebSocketKeepAlive.arm(server.pipeline(), POLICY, HealthRecorder.NOOP);
            assertThat(server.pipeline().names()).contains(VigilPipeline.KEEPALIVE, VigilPipeline.PROBE_RESPONDER);

            peer.writeOutbound(new PingWebSocketFrame(Unpooled.buffer(8).writeLong(7)));
            server.writeInbound((ByteBuf) peer.readOutbound());
            peer.writeInbound((ByteBuf) server.readOutbound());

            PongWebSocketFrame pong = peer.readInbound();
            try {
                assertThat(pong.content().getLong(0)).isEqualTo(7);
            } finally {
                ReferenceCountUtil.release(pong);
            }
        } finally {
            server.finishAndReleaseAll();
            peer.finishAndReleaseAll();
        }
    }

    @Test
    void armRefusesAPipelineThatStillSpeaksHttpWithNothingToWaitFor() {
        EmbeddedChannel http = new EmbeddedChannel(new HttpServerCodec());
        try {
            assertThatThrownBy(() -> WebSocketKeepAlive.arm(http.pipeline(), POLICY, HealthRecorder.NOOP))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("WebSocketFrameDecoder")
                    .hasMessageContaining("still speaks HTTP");
        } finally {
            http.finishAndReleaseAll();
        }
    }
}
