package io.vigil.epoll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        return new Transport(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
    }
}
