package io.vigil.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.socket.KernelInspector;
import io.vigil.core.socket.KernelAccess;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The native inspectors, found through {@code ServiceLoader}, sample {@code TCP_INFO} of a live loopback connection
 * into one holder per thread: a sample costs one {@code getsockopt} and at most the {@link KernelSample} it returns
 * (88 bytes), never a new 288-byte holder. Measured with the thread's allocation counter on the event loop.
 */
@Timeout(30)
class KernelInspectorTest {

    /** A {@code KernelSample}: 12-byte header, 4 ints, 7 longs (lastDataSentMillis since c826850), padded to 8 bytes. */
    private static final long SAMPLE_BYTES = 88;
    private static final int SAMPLES = 20_000;
    /** What reading the allocation counter may itself allocate, once. */
    private static final long MEASUREMENT_BYTES = 4096;

    @BeforeAll
    static void nativeTransportsAreHere() {
        Epoll.ensureAvailability();
    }

    @Test
    void epollSamplesTcpInfoIntoAPerThreadHolder() throws Exception {
        sampleOverLoopback(new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()),
                EpollServerSocketChannel.class, EpollSocketChannel.class, "EpollKernelInspector");
    }

    @Test
    void ioUringSamplesTcpInfoIntoAPerThreadHolder() throws Exception {
        if (!IoUring.isAvailable()) {
            String why = "io_uring is not available here: " + IoUring.unavailabilityCause();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true, so the io_uring inspector must be tested, but " + why);
            }
            Assumptions.abort("Skipped: " + why);
        }
        sampleOverLoopback(new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory()),
                IoUringServerSocketChannel.class, IoUringSocketChannel.class, "IoUringKernelInspector");
    }

    private static void sampleOverLoopback(EventLoopGroup group, Class<? extends ServerChannel> serverType,
                                           Class<? extends Channel> clientType, String inspectorName)
            throws Exception {
        try {
            Channel server = new ServerBootstrap().group(group).channel(serverType)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg);
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
            CompletableFuture<Void> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(clientType)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            int n = ((ByteBuf) msg).readableBytes();
                            ReferenceCountUtil.release(msg);
                            if (n > 0) {
                                echoed.complete(null);
                            }
                        }
                    }).connect(server.localAddress()).syncUninterruptibly().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000]));
            echoed.get(5, TimeUnit.SECONDS);

            KernelInspector inspector = KernelAccess.inspector(client);
            assertThat(inspector).hasToString(inspectorName);
            long[] allocated = client.eventLoop().submit(() -> {
                for (int i = 0; i < SAMPLES; i++) {
                    inspector.sample(client);
                }
                long before = allocatedBytes();
                KernelSample last = null;
                for (int i = 0; i < SAMPLES; i++) {
                    last = inspector.sample(client);
                }
                long used = allocatedBytes() - before;
                assertThat(last).isNotNull();
                return new long[] {used, last.state(), last.rttMicros(), last.unacked()};
            }).get(20, TimeUnit.SECONDS);

            assertThat(allocated[1]).as("tcpi_state ESTABLISHED").isEqualTo(1);
            assertThat(allocated[2]).as("tcpi_rtt after an echo, us").isPositive();
            assertThat(allocated[3]).as("tcpi_unacked").isZero();
            assertThat(allocated[0]).as("bytes allocated by %d samples (%.2f per sample)", SAMPLES,
                    allocated[0] / (double) SAMPLES).isLessThanOrEqualTo(SAMPLES * SAMPLE_BYTES + MEASUREMENT_BYTES);
            client.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
            assertThat(inspector.sample(client)).as("no sample from a closed socket").isNull();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
