package io.vigil.core.loopback;

import io.vigil.core.handler.HandlerAccess;
import io.vigil.core.machine.HealthState;
import io.vigil.core.event.ProbeSetupException;
import io.vigil.core.VigilPipeline;
import io.vigil.core.internal.timer.TimerWheels;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigil.core.event.DeadPeerException;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.VigilPipeline;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import io.vigil.core.testing.EventRecorder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real client and server over loopback, with the heartbeat prober, on one transport. Subclasses name the transport
 * (NIO here, epoll in vigil-epoll). Every wait is bounded.
 */
@Timeout(60)
public abstract class AbstractKeepAliveLoopbackTest {

    /**
     * The transport under test.
     *
     * @param io the event loops' I/O handler factory
     * @param serverChannel the server channel class
     * @param clientChannel the client channel class
     */
    public record Transport(IoHandlerFactory io, Class<? extends ServerChannel> serverChannel,
                            Class<? extends Channel> clientChannel) {

        EventLoopGroup newGroup(int threads) {
            return new MultiThreadIoEventLoopGroup(threads, io);
        }
    }

    private static final long MS = 1_000_000L;

    private EventLoopGroup serverGroup;
    private EventLoopGroup clientGroup;
    private Channel serverChannel;

    /**
     * Returns the transport under test.
     *
     * @return the transport
     */
    protected abstract Transport transport();

    @BeforeEach
    void groups() {
        serverGroup = transport().newGroup(1);
        clientGroup = transport().newGroup(1);
    }

    @AfterEach
    void shutdown() throws Exception {
        if (serverChannel != null) {
            serverChannel.close().sync();
        }
        clientGroup.shutdownGracefully(0, 2, SECONDS).sync();
        serverGroup.shutdownGracefully(0, 2, SECONDS).sync();
    }

    /** Records the real time of the last inbound message, placed before the keepalive handler so it sees replies. */
    static final class LastInbound extends ChannelInboundHandlerAdapter {
        final AtomicLong nanos = new AtomicLong(System.nanoTime());

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            nanos.set(System.nanoTime());
            ctx.fireChannelRead(msg);
        }
    }

    /** A server that answers heartbeats and echoes data; optionally with its own keepalive. */
    private InetSocketAddress startServer(KeepAlivePolicy serverPolicy, CompletableFuture<Channel> accepted,
                                          CompletableFuture<KeepAliveHandler> serverKeepAlive) throws Exception {
        serverChannel = new ServerBootstrap()
                .group(serverGroup)
                .channel(transport().serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec());
                        if (serverPolicy != null) {
                            KeepAliveHandler k = new KeepAliveHandler(serverPolicy, HeartbeatProber.INSTANCE);
                            ch.pipeline().addLast(VigilPipeline.KEEPALIVE, k);
                            serverKeepAlive.complete(k);
                        }
                        ch.pipeline().addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler())
                                .addLast("echo", new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        if (msg instanceof ByteBuf) {
                                            ctx.writeAndFlush(msg);
                                        } else {
                                            ReferenceCountUtil.release(msg); // probes nobody answers any more
                                        }
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close(); // the client's abortive close (RST) lands here
                                    }
                                });
                        accepted.complete(ch);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    private Channel connect(InetSocketAddress address, KeepAliveHandler keepAlive, LastInbound last,
                            EventRecorder events) throws Exception {
        return new Bootstrap()
                .group(clientGroup)
                .channel(transport().clientChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
                                .addLast("lastInbound", last)
                                .addLast(VigilPipeline.KEEPALIVE, keepAlive)
                                .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler())
                                .addLast("events", events);
                    }
                })
                .connect(address).sync().channel();
    }

    /** A client with keepalive connected to a server without it, and what the test watches on the client. */
    private record Connection(Channel client, Channel peer, KeepAliveHandler keepAlive, LastInbound last,
                              EventRecorder events) {
    }

    private Connection connectWatched(KeepAlivePolicy policy) throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        InetSocketAddress address = startServer(null, accepted, new CompletableFuture<>());
        LastInbound last = new LastInbound();
        EventRecorder events = new EventRecorder(System::nanoTime);
        KeepAliveHandler keepAlive = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE)
                .exceptionOnVerdict(true);
        Channel client = connect(address, keepAlive, last, events);
        return new Connection(client, accepted.get(5, SECONDS), keepAlive, last, events);
    }

    private static <T> T onLoop(EventLoop loop, Callable<T> task) throws Exception {
        return loop.submit(task).get(5, SECONDS);
    }

    private static void await(String what, long maxMillis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + maxMillis * MS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("timed out waiting for: %s", what).isNegative();
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aPeerThatStopsAnsweringIsDeclaredDeadAtIdlePlusProbesTimesInterval() throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder()
                .idle(Duration.ofMillis(400)).interval(Duration.ofMillis(200)).probes(3).build();
        long budget = policy.silentPeerVerdict().toNanos();
        Connection c = connectWatched(policy);
        Channel client = c.client();
        Channel peer = c.peer();
        EventRecorder events = c.events();

        // The peer answers at first: a probe goes out and is acknowledged with a round-trip time.
        await("a probe answered", 5_000, () -> !events.events(PeerAlive.class).isEmpty());
        assertThat(events.events(PeerAlive.class).get(0).rtt()).isPresent();
        assertThat(events.events(PeerDead.class)).isEmpty();

        // The peer's application stops answering; its socket stays open.
        onLoop(peer.eventLoop(), () -> peer.pipeline().remove(VigilPipeline.PROBE_RESPONDER));

        await("the verdict", 10_000, () -> !events.events(PeerDead.class).isEmpty());
        long verdictAt = events.events().stream().filter(t -> t.what() instanceof PeerDead)
                .findFirst().orElseThrow().nanos();
        PeerDead dead = events.events(PeerDead.class).get(0);
        long silence = verdictAt - c.last().nanos.get();
        long tick = TimerWheels.config().tickNanos();
        System.out.printf("%s: verdict %.1f ms after the last inbound message (budget %d ms)%n",
                getClass().getSimpleName(), silence / 1e6, budget / MS);
        assertThat(silence).as("never early: silence %d ms, budget %d ms", silence / MS, budget / MS)
                .isGreaterThanOrEqualTo(budget);
        // At most one tick + 250 ms late; one interval more if our loop lagged and the stall guard probed once more.
        long extra = (dead.evidence().probesOut() - 3) * policy.intervalNanos();
        assertThat(silence).as("at most one tick + 250 ms late").isLessThanOrEqualTo(budget + tick + 250 * MS + extra);
        assertThat(dead.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
        // 3 probes; 4 when this machine's load made our own loop lag before the verdict (the stall guard's extra probe).
        assertThat(dead.evidence().probesOut()).isBetween(3, 4);
        await("the exception after the event", 5_000, () -> !events.exceptions().isEmpty());
        assertThat(events.exceptions()).singleElement()
                .satisfies(t -> assertThat(t.what()).isInstanceOf(DeadPeerException.class));
        await("the client's close", 5_000, () -> !client.isOpen());
        await("the peer's close", 5_000, () -> !peer.isOpen());
        assertThat(onLoop(client.eventLoop(), () -> HandlerAccess.isTimerArmed(c.keepAlive()))).isFalse();
    }

    @Test
    void aPeerThatKeepsTalkingIsNeverDeclaredDead() throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder()
                .idle(Duration.ofMillis(200)).interval(Duration.ofMillis(100)).probes(2).build();
        long budget = policy.silentPeerVerdict().toNanos();
        Connection c = connectWatched(policy);
        Channel client = c.client();
        Channel peer = c.peer();
        EventRecorder events = c.events();

        // Phase 1: the peer sends data every 50 ms (a quarter of idle): never a verdict.
        ScheduledFuture<?> talk = peer.eventLoop().scheduleAtFixedRate(
                () -> peer.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42})), 0, 50, MILLISECONDS);
        long phaseEnd = System.nanoTime() + 5 * budget;
        await("half of 10 budgets with a talking peer", 5 * budget / MS + 5_000, () -> System.nanoTime() > phaseEnd);
        talk.cancel(false);
        assertThat(events.events(PeerDead.class)).isEmpty();
        assertThat(events.messagesRead()).isGreaterThan(10);
        assertThat(events.events(ProbeSent.class).size()).as("probes while the peer talks").isLessThan(
                events.messagesRead() / 4);

        // Phase 2: the peer only answers probes: probed about every max(idle, interval), never declared dead.
        events.clear();
        long end = System.nanoTime() + 5 * budget;
        await("the other half with an answering peer", 5 * budget / MS + 5_000, () -> System.nanoTime() > end);
        assertThat(events.events(PeerDead.class)).isEmpty();
        assertThat(events.events(PeerAlive.class)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(client.isOpen()).isTrue();
        assertThat(onLoop(client.eventLoop(), () -> HandlerAccess.isTimerArmed(c.keepAlive()))).isTrue();
        client.close().sync();
    }

    @Test
    void afterCloseOnEitherSideNoTimerRemains() throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder()
                .idle(Duration.ofSeconds(30)).interval(Duration.ofSeconds(10)).probes(3).build();
        for (boolean clientCloses : new boolean[] {true, false}) {
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            CompletableFuture<KeepAliveHandler> serverKeepAlive = new CompletableFuture<>();
            if (serverChannel != null) {
                serverChannel.close().sync();
            }
            InetSocketAddress address = startServer(policy, accepted, serverKeepAlive);
            KeepAliveHandler keepAlive = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE);
            Channel client = connect(address, keepAlive, new LastInbound(), new EventRecorder(System::nanoTime));
            Channel peer = accepted.get(5, SECONDS);
            KeepAliveHandler peerKeepAlive = serverKeepAlive.get(5, SECONDS);
            await("both timers armed", 5_000, () -> armed(client, keepAlive) && armed(peer, peerKeepAlive));
            assertThat(onLoop(client.eventLoop(), () -> TimerWheels.hasWheel(client.eventLoop()))).isTrue();

            (clientCloses ? client : peer).close().sync();
            await("both sides closed", 5_000, () -> !client.isOpen() && !peer.isOpen());
            await("both timers disarmed", 5_000, () -> !armed(client, keepAlive) && !armed(peer, peerKeepAlive));
            assertThat(onLoop(client.eventLoop(), () -> TimerWheels.hasWheel(client.eventLoop())))
                    .as("the client loop's wheel is gone").isFalse();
            assertThat(onLoop(peer.eventLoop(), () -> TimerWheels.hasWheel(peer.eventLoop())))
                    .as("the server loop's wheel is gone").isFalse();
        }
    }

    @Test
    void aChannelMovedToAnotherLoopTakesItsKeepAliveAlongAndOutlivesItsOldLoop() throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder()
                .idle(Duration.ofMillis(400)).interval(Duration.ofMillis(200)).probes(3).build();
        long budget = policy.silentPeerVerdict().toNanos();
        Connection c = connectWatched(policy);
        Channel client = c.client();
        EventLoop oldLoop = client.eventLoop();
        EventLoopGroup other = transport().newGroup(1);
        try {
            client.deregister().sync();
            assertThat(onLoop(oldLoop, () -> TimerWheels.hasWheel(oldLoop))).as("the old loop's timer let go")
                    .isFalse();
            other.next().register(client).sync();
            EventLoop newLoop = client.eventLoop();
            assertThat(newLoop).isNotSameAs(oldLoop);
            assertThat(onLoop(newLoop, () -> HandlerAccess.isTimerArmed(c.keepAlive()))).isTrue();
            // The old loop goes away; the peer's application hangs: the verdict still comes, from the new loop.
            clientGroup.shutdownGracefully(0, 1, SECONDS).sync();
            Channel peer = c.peer();
            onLoop(peer.eventLoop(), () -> peer.pipeline().remove(VigilPipeline.PROBE_RESPONDER));
            long hungAt = System.nanoTime();
            await("the verdict on the new loop", 10_000, () -> !c.events().events(PeerDead.class).isEmpty());
            long tookNanos = System.nanoTime() - hungAt;
            assertThat(tookNanos).as("within the budget + 1 s").isLessThan(budget + 1_000 * MS);
            assertThat(c.events().events(PeerDead.class).get(0).reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
        } finally {
            other.shutdownGracefully(0, 2, SECONDS).sync();
        }
    }

    @Test
    void aPolicyChangedFromAnotherThreadIsAppliedOnTheLoop() throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder()
                .idle(Duration.ofSeconds(30)).interval(Duration.ofSeconds(10)).probes(3).build();
        Connection c = connectWatched(policy);
        KeepAlivePolicy shorter = KeepAlivePolicy.builder()
                .idle(Duration.ofMillis(200)).interval(Duration.ofMillis(100)).probes(2).build();
        assertThat(Thread.currentThread()).isNotSameAs(onLoop(c.client().eventLoop(), Thread::currentThread));
        c.keepAlive().policy(shorter); // a config reload on some other thread
        await("the new policy in force", 5_000, () -> c.keepAlive().policy().equals(shorter));
        // The shorter idle took effect at once: a probe goes out and is answered well before the old 30 s idle.
        await("a probe under the new policy", 5_000, () -> !c.events().events(PeerAlive.class).isEmpty());
        assertThat(c.events().exceptions()).isEmpty();
    }

    @Test
    void aHandlerBeforeItsCodecIsAClearErrorAndNoVerdictOnALivePeer() throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder()
                .idle(Duration.ofMillis(200)).interval(Duration.ofMillis(100)).probes(2).build();
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        InetSocketAddress address = startServer(null, accepted, new CompletableFuture<>());
        EventRecorder events = new EventRecorder(System::nanoTime);
        KeepAliveHandler keepAlive = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE);
        Channel client = new Bootstrap()
                .group(clientGroup)
                .channel(transport().clientChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Wrong order: the keepalive handler is closer to the socket than the codec.
                        ch.pipeline().addLast(VigilPipeline.KEEPALIVE, keepAlive)
                                .addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
                                .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler())
                                .addLast("events", events);
                    }
                })
                .connect(address).sync().channel();
        await("the set-up error", 5_000, () -> !events.exceptions().isEmpty());
        assertThat(events.exceptions()).hasSize(1);
        assertThat((Throwable) events.exceptions().get(0).what()).isInstanceOf(ProbeSetupException.class)
                .hasMessageContaining("unsupported message type: HeartbeatFrame")
                .hasMessageContaining("the handler sits before (closer to the socket than) the codec");
        long end = System.nanoTime() + 3 * policy.silentPeerVerdict().toNanos();
        await("three budgets", 5_000, () -> System.nanoTime() > end);
        assertThat(events.events(PeerDead.class)).as("no verdict on a peer that was never asked").isEmpty();
        assertThat(client.isOpen()).isTrue();
        assertThat(onLoop(client.eventLoop(), keepAlive::state)).isEqualTo(HealthState.SUSPENDED);
        client.close().sync();
    }

    @Test
    void ourLoopBlockedForThreeBudgetsDeclaresNoLivePeerDeadAndStillCatchesASilentOne() throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder()
                .idle(Duration.ofMillis(400)).interval(Duration.ofMillis(200)).probes(3).build();
        long budget = policy.silentPeerVerdict().toNanos();
        Connection c = connectWatched(policy);
        Channel client = c.client();
        Channel peer = c.peer();
        ScheduledFuture<?> talk = peer.eventLoop().scheduleAtFixedRate(
                () -> peer.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42})), 0, 50, MILLISECONDS);
        // Our loop is blocked for 3 budgets (a stuck task, a GC pause); the peer keeps talking meanwhile.
        long blockedUntil = block(client.eventLoop(), 3 * budget);
        long calm = blockedUntil + 2 * budget;
        await("two budgets after the stall", 10_000, () -> System.nanoTime() > calm);
        assertThat(c.events().events(PeerDead.class)).as("no verdict on a live peer after our stall").isEmpty();
        // Now the peer goes silent and our loop is blocked again: the verdict comes, one interval after the stall.
        talk.cancel(false);
        onLoop(peer.eventLoop(), () -> peer.pipeline().remove(VigilPipeline.PROBE_RESPONDER));
        long stallEnd = block(client.eventLoop(), 3 * budget);
        await("the verdict", 10_000, () -> !c.events().events(PeerDead.class).isEmpty());
        long verdictAt = c.events().events().stream().filter(t -> t.what() instanceof PeerDead).findFirst()
                .orElseThrow().nanos();
        System.out.printf("%s: silent peer declared dead %.0f ms after our 3-budget stall ended (budget %d ms)%n",
                getClass().getSimpleName(), (verdictAt - stallEnd) / 1e6, budget / MS);
        assertThat(verdictAt - stallEnd).as("within the budget plus one interval after the stall")
                .isLessThanOrEqualTo(budget + policy.intervalNanos() + 250 * MS);
        assertThat(verdictAt - c.last().nanos.get()).as("never early").isGreaterThanOrEqualTo(budget);
    }

    /** Blocks an event loop for a while (fault injection, bounded); returns when the block ends, in nanoTime. */
    private static long block(EventLoop loop, long nanos) throws Exception {
        long[] end = new long[1];
        loop.submit(() -> {
            long until = System.nanoTime() + nanos;
            while (System.nanoTime() < until) {
                Thread.sleep(1);
            }
            end[0] = System.nanoTime();
            return null;
        }).get(nanos / MS + 5_000, MILLISECONDS);
        return end[0];
    }

    private static boolean armed(Channel ch, KeepAliveHandler handler) {
        try {
            return onLoop(ch.eventLoop(), () -> HandlerAccess.isTimerArmed(handler));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
