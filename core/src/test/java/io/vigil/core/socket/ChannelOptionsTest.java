package io.vigil.core.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vigil.core.kernel.KernelOption;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.testing.ChildReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel options as a {@link ChannelOption} map for frameworks that take options, not a bootstrap: what the map
 * holds for NIO, a transport it cannot name refused before any socket exists, and the options set through
 * {@code childOption} then read back and reported by the handler {@link SocketKeepAlive#childReporter()} puts into
 * each accepted child (as with grpc-java's {@code channelFactory}). Epoll and io_uring are tested in vigil-epoll.
 */
@Timeout(30)
class ChannelOptionsTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(7))
            .interval(Duration.ofSeconds(3)).probes(4).build();
    private static final EventLoopGroup NIO = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterAll
    static void shutDown() {
        NIO.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Test
    void nioMapHoldsTheTrioThenSoKeepAliveAndLeavesOutTheUserTimeoutItCannotCarry() {
        Map<ChannelOption<Object>, Object> options = SocketKeepAlive.of(POLICY)
                .channelOptions(NioServerSocketChannel.class);

        assertThat(List.copyOf(options.keySet())).map(ChannelOption::name).containsExactly(
                NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE).name(),
                NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL).name(),
                NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT).name(),
                ChannelOption.SO_KEEPALIVE.name());
        assertThat(List.copyOf(options.values())).containsExactly(7, 3, 4, Boolean.TRUE);
        assertThat(SocketKeepAlive.of(POLICY).channelOptions(NioSocketChannel.class)).isEqualTo(options);
    }

    @Test
    void aTransportWithNoNameableOptionsIsRefusedBeforeAnySocketExists() {
        assertThatThrownBy(() -> SocketKeepAlive.of(POLICY).channelOptions(LocalChannel.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channelType = io.netty.channel.local.LocalChannel")
                .hasMessageContaining("NioServerSocketChannel");
    }

    @Test
    void optionsSetThroughChildOptionAreReadBackAndReportedOnEachAcceptedChild() throws Exception {
        SocketKeepAlive kernel = SocketKeepAlive.of(POLICY);
        ServerBootstrap sb = new ServerBootstrap().group(NIO).channelFactory(() -> {
            NioServerSocketChannel server = new NioServerSocketChannel();
            server.pipeline().addLast(kernel.childReporter());
            return server;
        });
        kernel.channelOptions(NioServerSocketChannel.class).forEach(sb::childOption);

        KernelOptionsReport r = ChildReport.accept(sb, child -> { }, NioSocketChannel.class);

        assertThat(r.outcomes()).containsExactly(
                new OptionOutcome(KernelOption.SO_KEEPALIVE, 1, 1, OptionOutcome.Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_KEEPIDLE, 7, 7, OptionOutcome.Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_KEEPINTVL, 3, 3, OptionOutcome.Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_KEEPCNT, 4, 4, OptionOutcome.Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_USER_TIMEOUT, 19_000, OptionOutcome.UNKNOWN,
                        OptionOutcome.Status.UNSUPPORTED));
    }

    @Test
    void theReportOnlyHandlerShowsWhatTheFrameworkDidNotSet() throws Exception {
        SocketKeepAlive kernel = SocketKeepAlive.of(POLICY);
        ServerBootstrap sb = new ServerBootstrap().group(NIO).channel(NioServerSocketChannel.class);

        KernelOptionsReport r = ChildReport.accept(sb, child -> child.pipeline().addFirst(kernel.newReportHandler()),
                NioSocketChannel.class);

        assertThat(r.allApplied()).isFalse();
        assertThat(r.outcomes().get(0)).isEqualTo(
                new OptionOutcome(KernelOption.SO_KEEPALIVE, 1, 0, OptionOutcome.Status.DIFFERENT));
    }
}
