package io.vigil.epoll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.vigil.core.loopback.AbstractKeepAliveLoopbackTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * The loopback suite over Netty's native epoll transport. Skipped, with the reason, where the native transport is
 * unavailable; under {@code CI=true} its absence fails the build instead.
 */
class EpollLoopbackTest extends AbstractKeepAliveLoopbackTest {

    @BeforeAll
    static void epollAvailable() {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Epoll.ensureAvailability();
        }
        assumeTrue(Epoll.isAvailable(), () -> "native epoll is unavailable here: " + Epoll.unavailabilityCause());
    }

    @Override
    protected Transport transport() {
        return new Transport() {
            @Override
            public EventLoopGroup newGroup(int threads) {
                return new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
            }

            @Override
            public Class<? extends ServerChannel> serverChannel() {
                return EpollServerSocketChannel.class;
            }

            @Override
            public Class<? extends Channel> clientChannel() {
                return EpollSocketChannel.class;
            }
        };
    }
}
