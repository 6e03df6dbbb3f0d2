package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.testing.TestChannel;
import io.vigil.core.internal.timer.TimerWheels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link HeartbeatKeepAlive#installBefore}: the three handlers go in front of a framework's own tail handler (as
 * Reactor Netty's {@code reactiveBridge}), so that handler still gets the payloads and the events, and probes go out.
 */
class HeartbeatInstallBeforeTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(2))
            .interval(Duration.ofSeconds(1)).probes(3).build();

    /** Stands in for a framework's tail handler: records what reaches it. */
    private static final class Tail extends ChannelInboundHandlerAdapter {
        final List<String> payloads = new ArrayList<>();
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            payloads.add(((ByteBuf) msg).toString(StandardCharsets.UTF_8));
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    @Test
    void goesBeforeTheNamedHandlerWhichStillGetsPayloadsAndEvents() {
        Tail tail = new Tail();
        TestChannel ch = TestChannel.create();
        try {
            ch.pipeline().addLast("reactiveBridge", tail);
            HeartbeatKeepAlive.installBefore(ch.pipeline(), "reactiveBridge", POLICY);
            assertThat(ch.pipeline().names()).startsWith(VigilPipeline.HEARTBEAT_CODEC, VigilPipeline.KEEPALIVE,
                    VigilPipeline.PROBE_RESPONDER, "reactiveBridge");

            // A data frame from the peer, encoded by the real codec on another channel.
            EmbeddedChannel peer = new EmbeddedChannel(new HeartbeatCodec());
            peer.writeOutbound(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
            for (ByteBuf part; (part = peer.readOutbound()) != null; ) {
                ch.writeInbound(part);
            }
            peer.finishAndReleaseAll();
            assertThat(tail.payloads).containsExactly("hello");

            long tick = TimerWheels.config().tickNanos();
            while (ch.now() < TimeUnit.SECONDS.toNanos(3)) {
                ch.ticker().advance(tick, TimeUnit.NANOSECONDS);
                ch.runPendingTasks();
            }
            assertThat(tail.events).contains(ProbeSent.of(1));
            ByteBuf probe = ch.readOutbound();
            try {
                assertThat(probe).as("the probe went out, encoded").isNotNull();
            } finally {
                ReferenceCountUtil.release(probe);
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aMissingHandlerIsNamedWithTheNamesThereAre() {
        TestChannel ch = TestChannel.create();
        try {
            assertThatThrownBy(() -> HeartbeatKeepAlive.installBefore(ch.pipeline(), "reactiveBridge", POLICY))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("no handler named 'reactiveBridge'");
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
