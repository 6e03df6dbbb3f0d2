package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.DeadPeerException;
import io.vigil.core.event.PeerDead;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.testing.TailLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a verdict reaches the application: by default only as the {@link PeerDead} event, so that an application that
 * handles it gets no "unhandled exception" warning from Netty's tail; with {@code exceptionOnVerdict(true)} also as
 * a {@link DeadPeerException} in {@code exceptionCaught}. On real (in-VM) channels, whose tail logs (an
 * {@code EmbeddedChannel}'s keeps the exception instead), captured through java.util.logging. The peer never
 * answers; the policy declares it dead 200 ms after connecting, and every wait is bounded.
 */
@Timeout(30)
class VerdictDeliveryTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofMillis(100)).interval(Duration.ofMillis(50)).probes(2).build();

    private static EventLoopGroup group;
    private static Channel server;

    private final TailLog tail = TailLog.capture();

    /** Handles the verdict event, and leaves exceptions to the pipeline (the adapter passes them on). */
    private static class App extends ChannelInboundHandlerAdapter {
        final List<Object> seen = new CopyOnWriteArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof PeerDead) {
                seen.add(evt);
            }
        }
    }

    /** Handles the verdict exception. */
    private static final class Catcher extends App {
        final List<Throwable> caught = new CopyOnWriteArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            caught.add(cause);
        }
    }

    @BeforeAll
    static void startSilentServer() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(new HeartbeatCodec(), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg); // a hung peer: reads, never answers
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                })
                .bind(new LocalAddress(VerdictDeliveryTest.class)).sync().channel();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @AfterEach
    void stopCapture() {
        tail.close();
    }

    /** Connects with keepalive and waits (at most 5 s) until the verdict closed the channel. */
    private void runToVerdict(KeepAliveHandler handler, App app) throws InterruptedException {
        Channel client = new Bootstrap().group(group).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(new HeartbeatCodec(), handler, app);
                    }
                })
                .connect(server.localAddress()).sync().channel();
        assertThat(client.closeFuture().await(5, TimeUnit.SECONDS)).as("closed by the verdict within 5 s").isTrue();
        // The close and what it fired ran on the loop; one more task there orders the assertions after them.
        group.next().submit(() -> { }).sync();
        assertThat(app.seen).singleElement().isInstanceOf(PeerDead.class);
    }

    @Test
    void byDefaultAnApplicationThatHandlesPeerDeadGetsNoTailWarning() throws InterruptedException {
        KeepAliveHandler handler = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE);
        assertThat(handler.exceptionOnVerdict()).isFalse();
        runToVerdict(handler, new App());
        assertThat(tail.warnings()).isEmpty();
    }

    @Test
    void switchedOnTheExceptionIsDeliveredAfterTheEvent() throws InterruptedException {
        Catcher catcher = new Catcher();
        runToVerdict(new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE).exceptionOnVerdict(true), catcher);
        assertThat(catcher.caught).singleElement().isInstanceOfSatisfying(DeadPeerException.class,
                e -> assertThat(e.verdict()).isSameAs(catcher.seen.get(0)));
        assertThat(tail.warnings()).isEmpty();
    }

    @Test
    void switchedOnAndUnhandledTheTailWarnsWhichShowsTheCaptureWorks() throws InterruptedException {
        runToVerdict(new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE).exceptionOnVerdict(true), new App());
        assertThat(tail.warnings()).singleElement().asString()
                .contains("exceptionCaught() event was fired, and it reached at the tail of the pipeline")
                .endsWith(DeadPeerException.class.getName());
    }
}
