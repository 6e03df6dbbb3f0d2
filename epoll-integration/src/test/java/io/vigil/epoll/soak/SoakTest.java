package io.vigil.epoll.soak;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.PeerDead;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak (issue 13): 2,000 loopback connections on epoll whose server watches every client with the userspace
 * layer (2 s idle, 1 s interval, 3 probes: dead within 5 s). The clients are chatty, idle (they only answer probes),
 * bursty, paused (the server's application pauses reading them for up to 4 s at a time), slow consumers (the server
 * sends them 256 KiB they drain at about 20 KiB/s) and traffic-shaped (the server's writes to them go through Netty's
 * {@code ChannelTrafficShapingHandler} at 16 KiB/s, 128 KiB queued at once: unwritable for about 8 s)). 5 % go silent at random moments: their application hangs, its
 * socket stays open. Must hold: no verdict on a live peer; every silent one declared dead, never before its last
 * message plus the budget, and within its bound after it went silent; afterwards every channel closed, no timer
 * left, no buffer leaked (the leak detector runs at paranoid). About 20 s in CI; {@code -Dvigil.soak.seconds=60}
 * for the local run RELIABILITY.md reports. Every loop is bounded in count and time.
 */
@Timeout(180)
class SoakTest {

    private static final long MS = 1_000_000L;
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();
    private static final long BUDGET = POLICY.silentPeerVerdict().toNanos();
    private static final AttributeKey<Peer> PEER = AttributeKey.valueOf("soak.peer");

    enum Kind { CHATTY, IDLE, BURSTY, PAUSED, SLOW_CONSUMER, SHAPED }

    /** One connection as the test sees it: its kind, the server's child, and what happened. */
    static final class Peer {
        final int id;
        final Kind kind;
        volatile Channel client;
        volatile Channel child;
        volatile AtomicLong lastInbound = new AtomicLong();
        final AtomicLong lastSent = new AtomicLong();
        volatile long silentAt;
        volatile PeerDead verdict;
        volatile long verdictAt;
        final List<ScheduledFuture<?>> activity = new ArrayList<>();

        Peer(int id, Kind kind) {
            this.id = id;
            this.kind = kind;
        }
    }

    @Test
    void liveConnectionsLiveAndSilentOnesAreCaughtWithinTheirBound() throws Exception {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Epoll.ensureAvailability();
        }
        assumeTrue(Epoll.isAvailable(), () -> "native epoll is unavailable here: " + Epoll.unavailabilityCause());
        long seconds = Long.getLong("vigil.soak.seconds", 20);
        long maxFds = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        int connections = (int) Math.min(2_000, (maxFds - 1_000) / 2);
        assertThat(connections).as("file descriptors allow (limit %d)", maxFds).isGreaterThanOrEqualTo(500);
        SplittableRandom random = new SplittableRandom(Long.getLong("vigil.soak.seed", System.nanoTime()));

        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        Map<Integer, Peer> peers = new ConcurrentHashMap<>();
        Channel server = null;
        try {
            server = new ServerBootstrap().group(serverGroup).channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.SO_SNDBUF, 16 * 1024)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            AtomicLong lastRead = new AtomicLong(System.nanoTime());
                            ch.pipeline().addLast("reads", new LastRead(lastRead))
                                    .addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
                                    .addLast(VigilPipeline.KEEPALIVE,
                                            new KeepAliveHandler(POLICY, HeartbeatProber.INSTANCE))
                                    .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler())
                                    .addLast("app", new ServerApp(peers, lastRead));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            Kind[] kinds = Kind.values();
            for (int i = 0; i < connections; i++) {
                Peer p = new Peer(i, kinds[i % kinds.length]);
                peers.put(i, p);
                p.client = connect(clientGroup, address, p);
                p.client.writeAndFlush(Unpooled.buffer(4).writeInt(i)); // tells the server who it is
            }
            long deadline = System.nanoTime() + 10_000 * MS;
            while (peers.values().stream().anyMatch(p -> p.child == null)) {
                assertThat(System.nanoTime()).as("every connection accepted").isLessThan(deadline);
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            for (Peer p : peers.values()) {
                startActivity(p, random);
            }
            // 5 % go silent at random moments early enough to be judged before the end.
            List<Peer> silent = new ArrayList<>();
            long silenceWindow = Math.max(1, (seconds - 12) * 1_000);
            for (Peer p : peers.values()) {
                if (random.nextInt(100) < 5) {
                    silent.add(p);
                    long at = 2_000 + random.nextLong(silenceWindow);
                    p.client.eventLoop().schedule(() -> silence(p), at, MILLISECONDS);
                }
            }
            long end = start + seconds * 1_000 * MS;
            while (System.nanoTime() < end) {
                Thread.sleep(100); // bounded: the soak's duration
            }
            // Every silent peer judged by now or soon; nothing else.
            long judged = System.nanoTime() + 15_000 * MS;
            while (silent.stream().anyMatch(p -> p.verdict == null) && System.nanoTime() < judged) {
                Thread.sleep(50);
            }
            List<String> falseVerdicts = new ArrayList<>();
            long latestOverBudget = 0;
            for (Peer p : peers.values()) {
                if (p.verdict != null && p.silentAt == 0) {
                    falseVerdicts.add(p.kind + " #" + p.id + ": " + p.verdict);
                }
            }
            assertThat(falseVerdicts).as("verdicts on live peers").isEmpty();
            for (Peer p : silent) {
                assertThat(p.verdict).as("%s #%d silent since %d ms", p.kind, p.id, (p.silentAt - start) / MS)
                        .isNotNull();
                long bound = switch (p.kind) {
                    // The socket buffers fill first, then the user timeout runs from the kernel's last send.
                    case SLOW_CONSUMER -> 12_000 * MS;
                    // No probe while our own shaped data (128 KiB at 16 KiB/s) waits: up to 8 s, then the budget.
                    case SHAPED -> 8_000 * MS + BUDGET + POLICY.intervalNanos() + 1_500 * MS;
                    // Data the application left unread during a pause is stamped when it is read: up to 4 s late.
                    case PAUSED -> BUDGET + POLICY.intervalNanos() + 4_000 * MS + 1_500 * MS;
                    // One more probe if our own loop lagged, and the load of this machine.
                    default -> BUDGET + POLICY.intervalNanos() + 1_500 * MS;
                };
                assertThat(p.verdictAt - p.silentAt).as("%s #%d: verdict after silence", p.kind, p.id)
                        .isLessThanOrEqualTo(bound);
                if (p.kind != Kind.SLOW_CONSUMER && p.kind != Kind.SHAPED) {
                    // Never early: measured from the peer's last write (on loopback, its arrival at our kernel), not
                    // from when our application read it, which a pause delays.
                    assertThat(p.verdictAt - p.lastSent.get()).as("%s #%d never early", p.kind, p.id)
                            .isGreaterThanOrEqualTo(BUDGET);
                }
                latestOverBudget = Math.max(latestOverBudget, p.verdictAt - p.silentAt);
            }
            System.out.printf("soak: %d connections for %d s, %d silent: %d verdicts on live peers, %d of %d silent"
                            + " peers caught, the latest %.0f ms after it went silent (budget %d ms)%n",
                    connections, seconds, silent.size(), falseVerdicts.size(),
                    silent.stream().filter(p -> p.verdict != null).count(), silent.size(), latestOverBudget / 1e6,
                    BUDGET / MS);
        } finally {
            for (Peer p : peers.values()) {
                p.activity.forEach(f -> f.cancel(false));
                if (p.client != null) {
                    p.client.close();
                }
            }
            if (server != null) {
                server.close().sync();
            }
            long closed = System.nanoTime() + 10_000 * MS;
            while (peers.values().stream().anyMatch(p -> p.child != null && p.child.isOpen())
                    && System.nanoTime() < closed) {
                Thread.sleep(20);
            }
            for (Peer p : peers.values()) {
                assertThat(p.child == null || !p.child.isOpen()).as("#%d closed", p.id).isTrue();
            }
            for (EventLoopGroup g : List.of(serverGroup, clientGroup)) {
                for (io.netty.util.concurrent.EventExecutor loop : g) {
                    EventLoop l = (EventLoop) loop;
                    assertThat(l.submit(() -> TimerWheels.hasWheel(l)).get(5, SECONDS)).as("no timer left").isFalse();
                }
            }
            clientGroup.shutdownGracefully(0, 2, SECONDS).sync();
            serverGroup.shutdownGracefully(0, 2, SECONDS).sync();
        }
    }

    private static Channel connect(EventLoopGroup group, InetSocketAddress address, Peer p) throws Exception {
        Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("sent", new ChannelOutboundHandlerAdapter() {
                                    @Override
                                    public void flush(ChannelHandlerContext ctx) {
                                        p.lastSent.set(System.nanoTime());
                                        ctx.flush();
                                    }
                                })
                                .addLast(new HeartbeatCodec())
                                .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler())
                                .addLast("sink", new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        ReferenceCountUtil.release(msg);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close(); // the server's RST after its verdict on a silenced peer
                                    }
                                });
                    }
                });
        if (p.kind == Kind.SLOW_CONSUMER) {
            b.option(ChannelOption.AUTO_READ, false).option(ChannelOption.SO_RCVBUF, 16 * 1024)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048).maxMessagesPerRead(1));
        }
        return b.connect(address).sync().channel();
    }

    /** What each kind does, from both ends; every task is cancelled at the end or when the peer goes silent. */
    private static void startActivity(Peer p, SplittableRandom random) {
        Channel c = p.client;
        Channel child = p.child;
        long offset = random.nextLong(1_000);
        switch (p.kind) {
            case CHATTY -> p.activity.add(c.eventLoop().scheduleAtFixedRate(
                    () -> c.writeAndFlush(Unpooled.buffer(8).writeLong(1)), offset, 500, MILLISECONDS));
            case BURSTY -> p.activity.add(c.eventLoop().scheduleAtFixedRate(() -> {
                for (int i = 0; i < 16; i++) {
                    c.write(Unpooled.buffer(1024).writeZero(1024));
                }
                c.flush();
            }, offset, 1_800, MILLISECONDS));
            case PAUSED -> {
                p.activity.add(c.eventLoop().scheduleAtFixedRate(
                        () -> c.writeAndFlush(Unpooled.buffer(8).writeLong(2)), offset, 300, MILLISECONDS));
                // The server's application pauses reading this peer for 4 s of every 6 (less than the 5 s budget).
                p.activity.add(child.eventLoop().scheduleAtFixedRate(() -> {
                    child.config().setAutoRead(false);
                    child.eventLoop().schedule(() -> child.config().setAutoRead(true), 4_000, MILLISECONDS);
                }, offset, 6_000, MILLISECONDS));
            }
            case SLOW_CONSUMER -> {
                child.eventLoop().execute(() -> {
                    for (int i = 0; i < 16; i++) {
                        child.write(Unpooled.buffer(16 * 1024).writeZero(16 * 1024));
                    }
                    child.flush();
                });
                p.activity.add(c.eventLoop().scheduleAtFixedRate(c::read, offset, 100, MILLISECONDS));
            }
            case SHAPED -> child.eventLoop().execute(() -> {
                child.pipeline().addFirst("shaper", new ChannelTrafficShapingHandler(16 * 1024, 0, 250));
                for (int i = 0; i < 8; i++) {
                    child.write(Unpooled.buffer(16 * 1024).writeZero(16 * 1024));
                }
                assertThat(child.isWritable()).as("the shaper holds more than the high water mark").isFalse();
                child.flush();
            });
            case IDLE -> { }
            default -> throw new AssertionError(p.kind);
        }
    }

    /** The peer's application hangs: it stops everything it did, answers no probe, reads nothing more. */
    private static void silence(Peer p) {
        p.activity.forEach(f -> f.cancel(false));
        p.silentAt = System.nanoTime();
        Channel c = p.client;
        c.config().setAutoRead(false);
        if (c.pipeline().get(VigilPipeline.PROBE_RESPONDER) != null) {
            c.pipeline().remove(VigilPipeline.PROBE_RESPONDER);
        }
    }

    /** The server's first handler: notes the time of every read from the socket, probe replies included. */
    static final class LastRead extends ChannelInboundHandlerAdapter {
        private final AtomicLong last;

        LastRead(AtomicLong last) {
            this.last = last;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            last.set(System.nanoTime());
            ctx.fireChannelRead(msg);
        }
    }

    /** The server's application: learns which peer a child is from its first payload, drops data, notes verdicts. */
    static final class ServerApp extends ChannelInboundHandlerAdapter {
        private final Map<Integer, Peer> peers;
        private final AtomicLong lastRead;
        private Peer peer;

        ServerApp(Map<Integer, Peer> peers, AtomicLong lastRead) {
            this.peers = peers;
            this.lastRead = lastRead;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (peer == null && msg instanceof ByteBuf && ((ByteBuf) msg).readableBytes() == 4) {
                peer = peers.get(((ByteBuf) msg).getInt(((ByteBuf) msg).readerIndex()));
                peer.lastInbound = lastRead;
                ctx.channel().attr(PEER).set(peer);
                peer.child = ctx.channel();
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof PeerDead && peer != null && peer.verdict == null) {
                peer.verdictAt = System.nanoTime();
                peer.verdict = (PeerDead) evt;
            }
        }
    }
}
