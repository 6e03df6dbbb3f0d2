package io.vigil.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.socket.SocketKeepAlive;
import io.vigil.core.testing.ChildReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SocketKeepAlive#channelOptions(Class)} on the native transports: each map holds the transport's own
 * constants (another transport's would be ignored by Netty with only a log line), and on epoll the options given
 * as {@code childOption}s are read back by the report-only handler equal to what was asked.
 */
@Timeout(30)
class NativeChannelOptionsTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(11))
            .interval(Duration.ofSeconds(2)).probes(5).build();

    @Test
    void eachNativeTransportGetsItsOwnConstantsSoKeepAliveLast() {
        SocketKeepAlive kernel = SocketKeepAlive.of(POLICY);
        Map<ChannelOption<Object>, Object> epoll = kernel.channelOptions(EpollServerSocketChannel.class);
        assertThat(List.<ChannelOption<?>>copyOf(epoll.keySet())).containsExactly(EpollChannelOption.TCP_KEEPIDLE,
                EpollChannelOption.TCP_KEEPINTVL, EpollChannelOption.TCP_KEEPCNT, EpollChannelOption.TCP_USER_TIMEOUT,
                ChannelOption.SO_KEEPALIVE);
        assertThat(List.copyOf(epoll.values())).containsExactly(11, 2, 5, 21_000, Boolean.TRUE);
        assertThat(kernel.channelOptions(EpollSocketChannel.class)).isEqualTo(epoll);

        Map<ChannelOption<Object>, Object> uring = kernel.channelOptions(IoUringServerSocketChannel.class);
        assertThat(List.<ChannelOption<?>>copyOf(uring.keySet())).containsExactly(IoUringChannelOption.TCP_KEEPIDLE,
                IoUringChannelOption.TCP_KEEPINTVL, IoUringChannelOption.TCP_KEEPCNT,
                IoUringChannelOption.TCP_USER_TIMEOUT, ChannelOption.SO_KEEPALIVE);
        assertThat(List.copyOf(uring.values())).isEqualTo(List.copyOf(epoll.values()));
    }

    @Test
    void epollChildOptionsAreReadBackAndReportedAllApplied() throws Exception {
        Epoll.ensureAvailability();
        assertThat(readBackThroughChildOptions(POLICY).allApplied()).isTrue();
    }

    /** Sets the policy on an epoll server's children with {@code childOption}s and returns a child's report. */
    static KernelOptionsReport readBackThroughChildOptions(KeepAlivePolicy policy) throws Exception {
        SocketKeepAlive kernel = SocketKeepAlive.of(policy);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            ServerBootstrap sb = new ServerBootstrap().group(group).channelFactory(() -> {
                EpollServerSocketChannel server = new EpollServerSocketChannel();
                server.pipeline().addLast(kernel.childReporter());
                return server;
            });
            kernel.channelOptions(EpollServerSocketChannel.class).forEach(sb::childOption);
            KernelOptionsReport r = ChildReport.accept(sb, child -> { }, EpollSocketChannel.class);
            assertThat(r.transport()).isEqualTo("epoll");
            return r;
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}
