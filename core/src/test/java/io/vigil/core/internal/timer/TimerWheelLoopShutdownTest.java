package io.vigil.core.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vigil.core.handler.HandlerAccess;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatProber;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A wheel on a real event loop ({@link MultiThreadIoEventLoopGroup}: NIO with loopback sockets, and the Local
 * transport) is forgotten when the loop shuts down: through its channels closing, and also when it still holds
 * entries of no channel, so the registry never keeps a dead loop. Every wait is bounded.
 */
@Timeout(30)
class TimerWheelLoopShutdownTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(60)).interval(Duration.ofSeconds(5)).probes(3).build();

    /** An entry of no channel. */
    static final class Bare extends TimerEntry {
        @Override
        protected void onTimerExpired(long now) {
        }
    }

    @Test
    void shuttingDownALoopWithLiveVigilChannelsLetsTheRegistryForgetItsWheel() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            KeepAliveHandler[] server = new KeepAliveHandler[1];
            Channel serverChannel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            server[0] = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE);
                            ch.pipeline().addLast(server[0]);
                        }
                    }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            KeepAliveHandler client = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE);
            new Bootstrap().group(group).channel(NioSocketChannel.class).handler(client)
                    .connect(serverChannel.localAddress()).sync().channel();
            for (int i = 0; i < 500 && server[0] == null; i++) {
                Thread.sleep(10); // bounded: the accept runs on the loop
            }
            assertThat(loop.submit(() -> HandlerAccess.isTimerArmed(client) && server[0] != null
                    && HandlerAccess.isTimerArmed(server[0]))
                    .get(5, TimeUnit.SECONDS)).isTrue();
            LoopTimer wheel = loop.submit(() -> TimerWheels.forExecutor(loop)).get(5, TimeUnit.SECONDS);
            assertThat(TimerWheels.hasWheel(loop)).isTrue();

            assertThat(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();

            // Whether the loop closed each channel before cancelling its scheduled tasks, after, or (a race seen in
            // about one run in ten with a zero quiet period) not at all, the wheel stops and the registry lets the
            // dead loop go.
            assertThat(wheel.isTicking()).isFalse();
            assertThat(TimerWheels.hasWheel(loop)).as("registry forgot the dead loop").isFalse();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWheelStillHoldingEntriesIsForgottenWhenItsLoopCancelsTheTick() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            Bare entry = new Bare();
            LoopTimer wheel = loop.submit(() -> {
                LoopTimer w = TimerWheels.forExecutor(loop);
                entry.deadline = w.preciseNow() + TimeUnit.HOURS.toNanos(1);
                w.schedule(entry);
                return w;
            }).get(5, TimeUnit.SECONDS);
            assertThat(TimerWheels.hasWheel(loop)).isTrue();
            assertThat(loop.submit(wheel::isTicking).get(5, TimeUnit.SECONDS)).isTrue();

            assertThat(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(wheel.size()).as("nobody cancelled the entry").isEqualTo(1);
            assertThat(wheel.isTicking()).isFalse();
            assertThat(TimerWheels.hasWheel(loop)).as("registry forgot the dead loop").isFalse();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}
