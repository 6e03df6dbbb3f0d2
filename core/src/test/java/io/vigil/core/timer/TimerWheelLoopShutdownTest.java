package io.vigil.core.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.machine.HealthState;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatProber;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A wheel on a real event loop ({@link MultiThreadIoEventLoopGroup} with the Local transport) is forgotten when the
 * loop shuts down: through its channels closing, and also when it still holds entries of no channel, so the
 * registry never keeps a dead loop. Every wait is bounded.
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
    void shuttingTheLoopDownClosesItsChannelsAndTheRegistryForgetsItsWheel() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            LocalAddress address = new LocalAddress("vigil-shutdown-" + UUID.randomUUID());
            KeepAliveHandler[] server = new KeepAliveHandler[1];
            Channel serverChannel = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            server[0] = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE);
                            ch.pipeline().addLast(server[0]);
                        }
                    }).bind(address).sync().channel();
            KeepAliveHandler client = new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE);
            Channel clientChannel = new Bootstrap().group(group).channel(LocalChannel.class).handler(client)
                    .connect(address).sync().channel();
            assertThat(loop.submit(() -> client.isTimerArmed() && server[0] != null && server[0].isTimerArmed())
                    .get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(TimerWheels.hasWheel(loop)).isTrue();

            assertThat(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(clientChannel.isOpen()).isFalse();
            assertThat(serverChannel.isOpen()).isFalse();
            assertThat(client.state()).isEqualTo(HealthState.CLOSED);
            assertThat(client.isTimerArmed()).isFalse();
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
            TimerWheel wheel = loop.submit(() -> {
                TimerWheel w = TimerWheels.forExecutor(loop);
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
