package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.machine.HealthState;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatFrame;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.TestChannel;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReadPath#CODEC} for the heartbeat protocol: the codec stamps each decoded message through {@link CodecFeed},
 * the keepalive sits in the pipeline as a {@link FedKeepAliveHandler} that Netty skips on the read path, and every
 * rule of the handler's own read path still holds: any message proves life, only a reply to an outstanding probe is
 * consumed (with its round-trip time), another reply passes on and proves nothing, the peer's probes are answered and
 * count, paused reads hold the verdict, a silent peer is declared dead.
 */
class CodecReadPathTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(2))
            .interval(Duration.ofSeconds(1)).probes(3).build();
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    private final TestChannel ch = TestChannel.create();
    private final EmbeddedChannel peer = new EmbeddedChannel(new HeartbeatCodec());
    private final App app = new App();
    private EventRecorder events;
    private KeepAliveHandler keepAlive;

    /** Records what passes the codec and the keepalive (before the responder, which drops stray replies). */
    private static final class App extends ChannelInboundHandlerAdapter {
        final List<String> reads = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reads.add(msg instanceof ByteBuf ? ((ByteBuf) msg).toString(StandardCharsets.UTF_8) : msg.toString());
            ctx.fireChannelRead(msg);
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    }

    private void install() {
        keepAlive = HeartbeatKeepAlive.install(ch.pipeline(), POLICY, HealthRecorder.NOOP, ReadPath.CODEC);
        events = new EventRecorder(ch.ticker());
        ch.pipeline().addAfter(VigilPipeline.KEEPALIVE, "app", app).addLast(events);
    }

    @AfterEach
    void finish() {
        peer.finishAndReleaseAll();
        ch.finishAndReleaseAll();
    }

    /** The peer sends a message, encoded by the real codec. */
    private void fromPeer(Object msg) {
        peer.writeOutbound(msg);
        for (ByteBuf part; (part = peer.readOutbound()) != null; ) {
            ch.writeInbound(part);
        }
    }

    /** What the Vigil side wrote, decoded by the peer's codec. */
    private List<Object> toPeer() {
        List<Object> frames = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            peer.writeInbound(o);
        }
        for (Object o; (o = peer.readInbound()) != null; ) {
            frames.add(o);
        }
        return frames;
    }

    private void advanceTo(long nanos) {
        long tick = TimerWheels.config().tickNanos();
        while (ch.now() < nanos) {
            ch.ticker().advance(Math.min(tick, nanos - ch.now()), TimeUnit.NANOSECONDS);
            ch.runPendingTasks();
        }
    }

    private static boolean skipped(Class<?> type, String name, Class<?>... params) throws Exception {
        Method m = type.getMethod(name, params);
        // Netty's rule (ChannelHandlerMask.isSkippable): a method annotated @Skip is left out of the execution mask.
        return Arrays.stream(m.getAnnotations()).map(Annotation::annotationType).map(Class::getName)
                .anyMatch("io.netty.channel.ChannelHandlerMask$Skip"::equals);
    }

    @Test
    void nettySkipsTheFedHandlerOnTheReadPathButNotTheKeepAliveHandler() throws Exception {
        assertThat(skipped(FedKeepAliveHandler.class, "channelRead", ChannelHandlerContext.class, Object.class))
                .isTrue();
        assertThat(skipped(FedKeepAliveHandler.class, "channelReadComplete", ChannelHandlerContext.class)).isTrue();
        // Without the kernel's receipt (NIO, this in-memory channel) the read batch's end is taken, once per batch.
        assertThat(skipped(FedKeepAliveHandler.Refining.class, "channelReadComplete", ChannelHandlerContext.class))
                .isFalse();
        assertThat(skipped(KeepAliveHandler.class, "channelRead", ChannelHandlerContext.class, Object.class))
                .as("the handler of ReadPath.HANDLER is a hop").isFalse();
        install();
        assertThat(ch.pipeline().names()).startsWith(VigilPipeline.HEARTBEAT_CODEC, VigilPipeline.KEEPALIVE, "app",
                VigilPipeline.PROBE_RESPONDER);
        assertThat(ch.pipeline().get(VigilPipeline.KEEPALIVE)).isInstanceOf(FedKeepAliveHandler.Refining.class);
        assertThat(FedKeepAliveHandler.keepAliveIn(ch.pipeline())).isSameAs(keepAlive);
    }

    /**
     * Every pipeline event {@link KeepAliveHandler} handles, other than {@code channelRead}, is passed on by the fed
     * handler (its NIO form, for {@code channelReadComplete}): a new override in the keepalive handler without its forward here fails this test.
     */
    @Test
    void theFedHandlerForwardsEveryEventTheKeepAliveHandlerHandles() {
        Set<Class<?>> adapters = Set.of(ChannelHandlerAdapter.class, ChannelInboundHandlerAdapter.class,
                ChannelDuplexHandler.class, Object.class);
        List<String> missing = new ArrayList<>();
        for (Class<?> api : List.of(ChannelHandler.class, ChannelInboundHandler.class)) {
            for (Method m : api.getDeclaredMethods()) {
                try {
                    Method own = KeepAliveHandler.class.getMethod(m.getName(), m.getParameterTypes());
                    Method fed = FedKeepAliveHandler.Refining.class.getMethod(m.getName(), m.getParameterTypes());
                    if (!adapters.contains(own.getDeclaringClass()) && !"channelRead".equals(m.getName())
                            && fed.getDeclaringClass() != FedKeepAliveHandler.class
                            && fed.getDeclaringClass() != FedKeepAliveHandler.Refining.class) {
                        missing.add(m.getName());
                    }
                } catch (NoSuchMethodException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertThat(missing).as("events KeepAliveHandler handles that FedKeepAliveHandler does not pass on").isEmpty();
    }

    @Test
    void anyMessageProvesLifeAndPassesOn() {
        install();
        advanceTo(1 * S);
        fromPeer(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
        assertThat(app.reads).containsExactly("hello");
        advanceTo(2_500 * MS);
        assertThat(events.events(ProbeSent.class)).as("idle counts from the stamped message").isEmpty();
        advanceTo(3_200 * MS);
        assertThat(events.events(ProbeSent.class)).containsExactly(ProbeSent.of(1));
    }

    @Test
    void theReplyToOurProbeIsConsumedWithItsRoundTripTimeAndAnotherPassesOnProvingNothing() {
        install();
        advanceTo(2_100 * MS);
        List<Object> sent = toPeer();
        assertThat(sent).singleElement().satisfies(f -> assertThat(((HeartbeatFrame) f).isPing()).isTrue());
        long id = ((HeartbeatFrame) sent.get(0)).id();

        fromPeer(HeartbeatFrame.pong(12345));
        assertThat(app.reads).as("not ours: passes on").containsExactly(HeartbeatFrame.pong(12345).toString());
        assertThat(events.events(PeerAlive.class)).as("and proves nothing").isEmpty();
        assertThat(keepAlive.state()).isEqualTo(HealthState.PROBING);

        advanceTo(2_100 * MS + 30 * MS);
        fromPeer(HeartbeatFrame.pong(id));
        assertThat(app.reads).as("ours: consumed").hasSize(1);
        assertThat(events.events(PeerAlive.class)).singleElement()
                .satisfies(a -> assertThat(a.rttNanos()).isEqualTo(ch.now() - id));
        assertThat(keepAlive.state()).isEqualTo(HealthState.ACTIVE);
    }

    @Test
    void thePeersProbeIsAnsweredAndProvesLife() {
        install();
        advanceTo(1_500 * MS);
        fromPeer(HeartbeatFrame.ping(7));
        assertThat(toPeer()).containsExactly(HeartbeatFrame.pong(7));
        advanceTo(3_000 * MS);
        assertThat(events.events(ProbeSent.class)).as("the peer's probe counted as traffic").isEmpty();
    }

    @Test
    void pausedReadsHoldTheVerdictAndASilentPeerIsDeclaredDead() {
        install();
        advanceTo(500 * MS);
        ch.config().setAutoRead(false);
        advanceTo(5 * S);
        assertThat(events.events(ProbeSent.class)).as("no probe while reads are paused").isEmpty();
        assertThat(ch.isOpen()).isTrue();
        ch.config().setAutoRead(true);
        advanceTo(12 * S);
        assertThat(events.events(ProbeSent.class)).isNotEmpty();
        assertThat(events.events(PeerDead.class)).hasSize(1);
        assertThat(ch.isOpen()).isFalse();
    }
}
