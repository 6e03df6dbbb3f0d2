package io.vigil.epoll;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerDead;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import io.vigil.core.testing.EventRecorder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proof of life is what the kernel sees (issue 13, failures 2 and 4): over real epoll sockets on loopback, a slow
 * consumer that keeps draining is never declared dead although the channel's outbound buffer hardly moves, one that
 * stops reading is declared dead for its stalled writes, and a peer whose data waits unread while the application
 * paused reads is alive. Policy 2 s idle, 1 s interval, 3 probes, user timeout 5 s, as in the issue. Every wait is
 * bounded.
 */
@Timeout(60)
class KernelProofOfLifeTest {

    private static final long MS = 1_000_000L;
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();

    private EventLoopGroup serverGroup;
    private EventLoopGroup clientGroup;
    private Channel serverChannel;

    @BeforeAll
    static void epoll() {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Epoll.ensureAvailability();
        }
        assumeTrue(Epoll.isAvailable(), () -> "native epoll is unavailable here: " + Epoll.unavailabilityCause());
    }

    @BeforeEach
    void groups() {
        serverGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        clientGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void shutdown() throws Exception {
        if (serverChannel != null) {
            serverChannel.close().sync();
        }
        clientGroup.shutdownGracefully(0, 2, SECONDS).sync();
        serverGroup.shutdownGracefully(0, 2, SECONDS).sync();
    }

    /** A server whose accepted channel carries keepalive and whatever the test adds after it. */
    private InetSocketAddress server(EventRecorder events, CompletableFuture<Channel> accepted) throws Exception {
        serverChannel = new ServerBootstrap().group(serverGroup).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 64 * 1024)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
                                .addLast(VigilPipeline.KEEPALIVE, new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE))
                                .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler())
                                .addLast("events", events);
                        accepted.complete(ch);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** A client that reads only when told, 4 KiB at a time; it drops what it reads. */
    private Channel slowReader(InetSocketAddress address) throws Exception {
        return new Bootstrap().group(clientGroup).channel(EpollSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_RCVBUF, 32 * 1024)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(4096).maxMessagesPerRead(1))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                })
                .connect(address).sync().channel();
    }

    private static void await(String what, long maxMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * MS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("timed out waiting for: %s", what).isNegative();
            Thread.sleep(5);
        }
    }

    @Test
    void aSlowConsumerThatKeepsDrainingIsAliveAndOneThatStopsIsDeclaredDeadForItsStalledWrites() throws Exception {
        EventRecorder events = new EventRecorder(System::nanoTime);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel client = slowReader(server(events, accepted));
        Channel child = accepted.get(5, SECONDS);
        // 12 MiB queued at once; the reader takes 4 KiB every 100 ms, about 40 KiB/s.
        child.eventLoop().execute(() -> {
            for (int i = 0; i < 12 * 16; i++) {
                child.write(Unpooled.wrappedBuffer(new byte[64 * 1024]));
            }
            child.flush();
        });
        ScheduledFuture<?> reading = client.eventLoop().scheduleAtFixedRate(client::read, 0, 100, MILLISECONDS);
        long phaseEnd = System.nanoTime() + 12_000 * MS;
        await("12 s of slow draining", 20_000, () -> System.nanoTime() > phaseEnd);
        assertThat(events.events(PeerDead.class)).as("a live slow consumer").isEmpty();
        assertThat(child.isOpen()).isTrue();
        assertThat(child.unsafe().outboundBuffer().totalPendingWriteBytes()).as("still megabytes to go")
                .isGreaterThan(8L << 20);

        // The consumer stops reading altogether: its window closes, no data goes out, and the writes stall.
        reading.cancel(false);
        long stoppedAt = System.nanoTime();
        await("the verdict", 15_000, () -> !events.events(PeerDead.class).isEmpty());
        long after = events.events().stream().filter(t -> t.what() instanceof PeerDead).findFirst().orElseThrow()
                .nanos() - stoppedAt;
        PeerDead dead = events.events(PeerDead.class).get(0);
        System.out.printf("slow consumer stopped: %s after %.0f ms%n", dead.reason(), after / 1e6);
        assertThat(dead.reason()).isEqualTo(DeathReason.WRITE_STALLED);
        // The kernel's rule: the user timeout after the last data it sent. Never early by the kernel's own record
        // (TCP_INFO at the verdict, whole milliseconds), and soon after the reader stopped.
        assertThat(dead.evidence().kernel()).as("TCP_INFO at the verdict").isNotNull();
        System.out.printf("  the kernel last sent data %d ms before the verdict%n",
                dead.evidence().kernel().lastDataSentMillis());
        assertThat(dead.evidence().kernel().lastDataSentMillis()).isGreaterThanOrEqualTo(4_999);
        assertThat(after).isLessThan(5_000 * MS + 1_500 * MS);
        client.close().sync();
    }

    @Test
    void aPeerWhoseDataWaitsUnreadWhileReadsArePausedIsAlive() throws Exception {
        EventRecorder events = new EventRecorder(System::nanoTime);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        InetSocketAddress address = server(events, accepted);
        Channel client = new Bootstrap().group(clientGroup).channel(EpollSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HeartbeatCodec(), HeartbeatResponder.handler());
                    }
                })
                .connect(address).sync().channel();
        Channel child = accepted.get(5, SECONDS);
        // The peer (our client here) sends a byte every 500 ms; the server's application pauses reads for 4.5 s,
        // less than the 5 s budget, then resumes.
        ScheduledFuture<?> talking = client.eventLoop().scheduleAtFixedRate(
                () -> client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {7})), 0, 500, MILLISECONDS);
        await("a first byte read before the pause", 5_000, () -> events.messagesRead() > 0);
        child.config().setAutoRead(false);
        long pauseEnd = System.nanoTime() + 4_500 * MS;
        await("4.5 s of paused reads", 10_000, () -> System.nanoTime() > pauseEnd);
        child.config().setAutoRead(true);
        long afterEnd = System.nanoTime() + 3_000 * MS;
        await("3 s more", 10_000, () -> System.nanoTime() > afterEnd);
        talking.cancel(false);
        assertThat(events.events(PeerDead.class)).as("the kernel saw its data arrive").isEmpty();
        assertThat(events.messagesRead()).isGreaterThan(8);
        assertThat(child.isOpen()).isTrue();
        client.close().sync();
    }
}
