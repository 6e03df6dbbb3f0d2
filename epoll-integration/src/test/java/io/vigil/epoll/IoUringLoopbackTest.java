package io.vigil.epoll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.vigil.core.loopback.AbstractKeepAliveLoopbackTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * The loopback suite over Netty's native io_uring transport. Skipped, with the reason, where io_uring is unavailable
 * (an old kernel, or io_uring disabled by {@code kernel.io_uring_disabled}); under {@code CI=true} its absence fails
 * the build instead, as on this project's machines io_uring is available.
 */
class IoUringLoopbackTest extends AbstractKeepAliveLoopbackTest {

    @BeforeAll
    static void ioUringAvailable() {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            IoUring.ensureAvailability();
        }
        assumeTrue(IoUring.isAvailable(), () -> "native io_uring is unavailable here: " + IoUring.unavailabilityCause());
    }

    @Override
    protected Transport transport() {
        return new Transport(IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class);
    }
}
