package io.vigil.epoll.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollSocketChannelConfig;
import io.netty.channel.unix.Errors;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import io.vigil.core.event.DeadPeerException;
import io.vigil.core.event.DeathReason;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.event.PeerDead;
import io.vigil.core.handler.HeartbeatKeepAlive;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.socket.KernelAccess;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.socket.SocketKeepAlive;
import io.vigil.epoll.netns.Watch.Stamped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Kernel keepalive against the real Linux kernel: Vigil's sockets in this namespace, the peer in a process of its
 * own in a fresh network namespace ({@link NetnsRig}), faults made with a blackhole route in the peer namespace
 * (a silent peer: whatever it sends is dropped and counted in its {@code IpOutNoRoutes}) or with {@code SIGSTOP}
 * (a hung peer: its kernel still ACKs).
 *
 * <p>Every scenario uses the policy idle 2 s / interval 1 s / 3 probes, whose verdict is 5 s after the last
 * segment received; kernel timings must land in {@code [nominal, nominal × 1.15 + 0.5 s]} (kernel timers fire late,
 * never early). The reference instant for a kernel verdict is the last segment the kernel received, read from
 * {@code TCP_INFO} ({@code tcpi_last_ack_recv}) after the connection went quiet, less one kernel tick (10 ms, a jiffy
 * at HZ >= 100) because the kernel itself counts in jiffies; for a userspace verdict it is the arrival of the last
 * message. The scenarios are independent, so they run concurrently (one namespace each): the class takes about as
 * long as its longest scenario, the hung peer (3 × 5 s). Every wait is bounded.
 */
@Execution(ExecutionMode.CONCURRENT)
class KernelKeepAliveNetnsTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    /** The kernel's clock granularity allowance: one jiffy at HZ >= 100. */
    private static final long JIFFY = 10 * MS;

    /** Kernel and userspace policy of the scenarios, with the default user timeout (5000 ms). */
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();
    /** The same without a user timeout: the verdict follows the probe count alone. */
    private static final KeepAlivePolicy POLICY_NO_USER_TIMEOUT = POLICY.toBuilder().userTimeout(Duration.ZERO).build();
    /** The userspace policy of connections where only the kernel is meant to decide: idle 60 s. */
    private static final KeepAlivePolicy BYSTANDER = KeepAlivePolicy.deadWithin(Duration.ofSeconds(120));
    private static final long NOMINAL = POLICY.silentPeerVerdict().toNanos();
    private static final long WAIT = NOMINAL * 2;

    private static EventLoopGroup epoll;
    private static @Nullable EventLoopGroup ioUring;

    @BeforeAll
    static void setUp() {
        NetnsRig.assumeAvailable();
        Epoll.ensureAvailability();
        epoll = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        if (IoUring.isAvailable()) {
            ioUring = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        }
    }

    @AfterAll
    static void tearDown() {
        for (EventLoopGroup g : new EventLoopGroup[] {epoll, ioUring}) {
            if (g != null) {
                g.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Timeout(90)
    void silentPeerIsTimedOutByTheKernelAfterExactlyItsProbes() throws Exception {
        silentPeer("epoll, user timeout 0", epoll, EpollSocketChannel.class, POLICY_NO_USER_TIMEOUT);
    }

    @Test
    @Timeout(90)
    void silentPeerWithTheDefaultUserTimeoutGetsTheSameVerdict() throws Exception {
        silentPeer("epoll, default user timeout", epoll, EpollSocketChannel.class, POLICY);
    }

    @Test
    @Timeout(90)
    void silentPeerOnIoUringGetsTheSameKernelVerdict() throws Exception {
        silentPeer("io_uring, default user timeout", ioUringOrSkip(), IoUringSocketChannel.class, POLICY);
    }

    /** The io_uring group; skips the test, saying why, where io_uring is unavailable (fails it under CI=true). */
    private static EventLoopGroup ioUringOrSkip() {
        EventLoopGroup group = ioUring;
        if (group == null) {
            String why = "io_uring is not available here: " + IoUring.unavailabilityCause();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true, so the io_uring scenarios must run, but " + why);
            }
            Assumptions.abort("Skipped: " + why);
        }
        return group;
    }

    /**
     * Test 1: a silent peer. The kernel sends exactly {@code probes} keepalive probes (each one's reply dies on the
     * peer's blackhole route: {@code IpOutNoRoutes} + 1) and closes with {@code ETIMEDOUT} at
     * {@code idle + probes × interval}; Vigil reports it as {@code PeerDead(KERNEL_TIMEOUT)} with the socket's last
     * {@code TCP_INFO}.
     */
    private void silentPeer(String name, EventLoopGroup group, Class<? extends Channel> type, KeepAlivePolicy kernel)
            throws Exception {
        try (NetnsRig rig = NetnsRig.create()) {
            PeerProcess peer = rig.startPeer("server", rig.peerAddress());
            Client c = Client.connect(group, type, rig.peerAddress(), peer.port(), kernel, BYSTANDER);
            long lastSegment = c.settleAfterEcho();
            long dropsBefore = rig.ipOutNoRoutes();
            rig.blackholePeerOutput();

            Stamped<PeerDead> dead = c.watch.dead.get(WAIT, TimeUnit.NANOSECONDS);
            long probes = rig.ipOutNoRoutes() - dropsBefore;
            long elapsed = dead.nanos() - lastSegment;
            KernelSample k = dead.value().evidence().kernel();
            Measurements.log(name, "kernel verdict %s %.3f s after the last segment (nominal %.3f s); "
                    + "IpOutNoRoutes +%d; TCP_INFO %s", dead.value().reason(), seconds(elapsed), seconds(NOMINAL),
                    probes, k);

            assertThat(dead.value().reason()).isEqualTo(DeathReason.KERNEL_TIMEOUT);
            assertKernelTiming(elapsed, NOMINAL);
            assertThat(probes).as("keepalive probes answered into the blackhole").isEqualTo(kernel.probes());
            assertThat(k).as("TCP_INFO at the verdict").isNotNull();
            assertThat(k.probes()).as("tcpi_probes").isEqualTo(kernel.probes());
            assertThat(k.state()).as("tcpi_state: TCP_CLOSE").isEqualTo(7);
            assertThat(k.unacked()).isZero();
            assertTimedOutError(c.watch);
        }
    }

    /**
     * Test 2: a hung peer (its process stopped with {@code SIGSTOP}). Its kernel ACKs every keepalive probe, so the
     * kernel-only connection is still established three verdict times later, while Vigil's userspace layer on a
     * second connection declares the peer dead within its bound: the reason both layers exist.
     */
    @Test
    @Timeout(90)
    void hungPeerIsInvisibleToKernelKeepAliveButNotToTheUserspaceLayer() throws Exception {
        try (NetnsRig rig = NetnsRig.create()) {
            PeerProcess peer = rig.startPeer("server", rig.peerAddress());
            Layers layers = Layers.connect(rig, peer);
            Client kernelOnly = layers.kernel();
            Client userspace = layers.userspace();
            long kernelLast = layers.kernelLast();
            long userspaceLast = layers.userspaceLast();
            peer.stop();

            Stamped<PeerDead> dead = userspace.watch.dead.get(WAIT, TimeUnit.NANOSECONDS);
            long elapsed = dead.nanos() - userspaceLast;
            assertThat(dead.value().reason().isKernel()).as("a userspace verdict").isFalse();
            assertThat(elapsed).as("userspace verdict after the last message, ns")
                    .isBetween(NOMINAL, kernelUpperBound(NOMINAL));

            long until = kernelLast + 3 * NOMINAL;
            boolean closed = kernelOnly.channel.closeFuture()
                    .await(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            KernelSample k = KernelAccess.inspector(kernelOnly.channel).sample(kernelOnly.channel);
            Measurements.log("epoll, SIGSTOP", "userspace verdict %s %.3f s after the last message; kernel-only "
                    + "connection open=%s at %.3f s (3 x budget), TCP_INFO %s", dead.value().reason(),
                    seconds(elapsed), !closed, seconds(System.nanoTime() - kernelLast), k);

            assertThat(closed).as("kernel keepalive closed a connection to a hung peer").isFalse();
            assertThat(k).isNotNull();
            assertThat(k.state()).as("tcpi_state: ESTABLISHED").isEqualTo(1);
            assertThat(k.probes()).as("tcpi_probes: every probe was ACKed").isZero();
            assertThat(k.lastDataReceivedMillis()).as("no data for the whole wait").isGreaterThan(3 * 5000 - 500);
            assertThat(k.lastAckReceivedMillis()).as("but the kernel's probes were ACKed lately")
                    .isLessThan(2000 + 1000);
        }
    }

    /**
     * Test 3: the same policy on both layers against a silent peer (two connections, one per layer): the kernel's
     * verdict and the userspace verdict land within {@code max(250 ms, 10 %)} of each other, each counted from its
     * own last inbound segment or message, and as instants.
     */
    @Test
    @Timeout(90)
    void userspaceMirrorAndKernelAgreeOnASilentPeer() throws Exception {
        try (NetnsRig rig = NetnsRig.create()) {
            Layers layers = Layers.connect(rig, rig.startPeer("server", rig.peerAddress()));
            rig.blackholePeerOutput();

            Stamped<PeerDead> k = layers.kernel().watch.dead.get(WAIT, TimeUnit.NANOSECONDS);
            Stamped<PeerDead> u = layers.userspace().watch.dead.get(WAIT, TimeUnit.NANOSECONDS);
            long kernelElapsed = k.nanos() - layers.kernelLast();
            long userspaceElapsed = u.nanos() - layers.userspaceLast();
            long agreement = Math.max(250 * MS, NOMINAL / 10);
            Measurements.log("epoll, mirror", "kernel %s at %.3f s, userspace %s at %.3f s after their last "
                    + "inbound; difference %.3f s (allowed %.3f s); instants %.3f s apart, last inbound %.3f s apart",
                    k.value().reason(), seconds(kernelElapsed), u.value().reason(), seconds(userspaceElapsed),
                    seconds(kernelElapsed - userspaceElapsed), seconds(agreement), seconds(k.nanos() - u.nanos()),
                    seconds(layers.kernelLast() - layers.userspaceLast()));

            assertThat(k.value().reason()).isEqualTo(DeathReason.KERNEL_TIMEOUT);
            assertThat(u.value().reason().isKernel()).isFalse();
            assertKernelTiming(kernelElapsed, NOMINAL);
            assertThat(userspaceElapsed).isBetween(NOMINAL, kernelUpperBound(NOMINAL));
            assertThat(Math.abs(kernelElapsed - userspaceElapsed)).as("verdicts apart, ns").isLessThanOrEqualTo(
                    agreement);
            assertThat(Math.abs(k.nanos() - u.nanos())).as("verdict instants apart, ns").isLessThanOrEqualTo(
                    agreement);
        }
    }

    /**
     * Test 4: data in flight to a silent peer with the default user timeout: keepalive is dormant while data is
     * unacknowledged (no keepalive probe), retransmission would go on for 15 minutes, and {@code TCP_USER_TIMEOUT}
     * ends it {@code userTimeout} after the send.
     */
    @Test
    @Timeout(90)
    void dataInFlightToASilentPeerDiesAtTheUserTimeout() throws Exception {
        try (NetnsRig rig = NetnsRig.create()) {
            PeerProcess peer = rig.startPeer("server", rig.peerAddress());
            Client c = Client.connect(epoll, EpollSocketChannel.class, rig.peerAddress(), peer.port(), POLICY,
                    BYSTANDER);
            c.settleAfterEcho();
            rig.blackholePeerOutput();
            long sent = System.nanoTime();
            c.channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]));

            Stamped<PeerDead> dead = c.watch.dead.get(WAIT, TimeUnit.NANOSECONDS);
            long userTimeout = POLICY.userTimeout().toNanos();
            long elapsed = dead.nanos() - sent;
            KernelSample k = dead.value().evidence().kernel();
            Measurements.log("epoll, data in flight", "kernel verdict %s %.3f s after the send (user timeout "
                    + "%.3f s); TCP_INFO %s", dead.value().reason(), seconds(elapsed), seconds(userTimeout), k);

            assertThat(dead.value().reason()).isIn(DeathReason.KERNEL_TIMEOUT, DeathReason.KERNEL_UNREACHABLE);
            assertKernelTiming(elapsed, userTimeout);
            assertThat(k).isNotNull();
            assertThat(k.totalRetransmits()).as("the data was retransmitted").isPositive();
            assertThat(k.probes()).as("no keepalive probe while data was in flight").isZero();
        }
    }

    @Test
    @Timeout(90)
    void writesQueuedInNettyWhenTheKernelGivesUpStillMakeAKernelVerdict() throws Exception {
        queuedWrites("epoll, writes queued", epoll, EpollSocketChannel.class);
    }

    @Test
    @Timeout(90)
    void writesQueuedOnIoUringWhenTheKernelGivesUpStillMakeAKernelVerdict() throws Exception {
        queuedWrites("io_uring, writes queued", ioUringOrSkip(), IoUringSocketChannel.class);
    }

    /**
     * Test 4, the busy variant: more data than the socket buffer takes, to a silent peer. When the user timeout
     * ends the connection, Netty still holds writes, so the kernel's {@code ETIMEDOUT} fails them and Netty closes
     * the channel without {@code exceptionCaught}; the handler finds the error in the close cause and still reports
     * {@code PeerDead(KERNEL_TIMEOUT)}, with the {@code TCP_INFO} sampled on its last tick (writes were waiting).
     * The userspace layer runs the same idle and interval but a 60 s user timeout, so it never decides here.
     */
    private void queuedWrites(String name, EventLoopGroup group, Class<? extends Channel> type) throws Exception {
        KeepAlivePolicy userspace = POLICY.toBuilder().userTimeout(Duration.ofSeconds(60)).build();
        try (NetnsRig rig = NetnsRig.create()) {
            PeerProcess peer = rig.startPeer("server", rig.peerAddress());
            Client c = Client.connect(group, type, rig.peerAddress(), peer.port(), POLICY, userspace);
            c.settleAfterEcho();
            rig.blackholePeerOutput();
            byte[] chunk = new byte[256 * 1024];
            long sent = System.nanoTime();
            ChannelFuture last = null;
            for (int i = 0; i < 64; i++) {
                last = c.channel.writeAndFlush(Unpooled.wrappedBuffer(chunk));
            }

            Stamped<PeerDead> dead = c.watch.dead.get(WAIT, TimeUnit.NANOSECONDS);
            long userTimeout = POLICY.userTimeout().toNanos();
            long elapsed = dead.nanos() - sent;
            KernelSample k = dead.value().evidence().kernel();
            assertThat(last.await(5, TimeUnit.SECONDS)).isTrue();
            Measurements.log(name, "kernel verdict %s %.3f s after the first send (user timeout %.3f s); last "
                    + "write failed with %s; TCP_INFO of the last tick %s", dead.value().reason(), seconds(elapsed),
                    seconds(userTimeout), last.cause(), k);

            assertThat(dead.value().reason()).isIn(DeathReason.KERNEL_TIMEOUT, DeathReason.KERNEL_UNREACHABLE);
            assertKernelTiming(elapsed, userTimeout);
            assertThat(last.cause()).as("the queued write failed").isNotNull();
            assertThat(k).as("TCP_INFO sampled while writes waited").isNotNull();
            assertThat(k.unacked()).as("data in flight at the last tick").isPositive();
            assertThat(k.retransmits()).as("retransmitting at the last tick").isPositive();
            assertTimedOutError(c.watch);
        }
    }

    /**
     * Test 5: the server side. Accepted children carry the options (read back), and a client that goes silent is
     * reaped by the server's kernel after exactly its probes, reported as {@code PeerDead(KERNEL_TIMEOUT)} on the
     * child.
     */
    @Test
    @Timeout(90)
    void serverChildrenCarryTheOptionsAndTheKernelReapsASilentClient() throws Exception {
        try (NetnsRig rig = NetnsRig.create()) {
            CompletableFuture<Channel> child = new CompletableFuture<>();
            Watch watch = new Watch();
            List<KernelOptionsReport> recorded = new CopyOnWriteArrayList<>();
            HealthRecorder recorder = new HealthRecorder() {
                @Override
                public void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
                    assertThat(subject.side()).isEqualTo(HealthSubject.SERVER);
                    recorded.add(report);
                }
            };
            ServerBootstrap sb = new ServerBootstrap().group(epoll).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            HeartbeatKeepAlive.install(ch.pipeline(), BYSTANDER).exceptionOnVerdict(true);
                            ch.pipeline().addLast(watch);
                            child.complete(ch);
                        }
                    });
            SocketKeepAlive.builder(POLICY).recorder(recorder).build().configure(sb);
            Channel server = sb.bind(rig.hostAddress(), 0).syncUninterruptibly().channel();
            try {
                int port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
                rig.startPeer("client", rig.hostAddress(), Integer.toString(port));
                Channel ch = child.get(10, TimeUnit.SECONDS);

                KernelOptionsReport report = watch.options.get(10, TimeUnit.SECONDS);
                assertThat(report.transport()).isEqualTo("epoll");
                assertThat(report.allApplied()).as("%s", report).isTrue();
                // The listener's report (AcceptPath.LISTENER: set and read back there once), then the first child's.
                assertThat(recorded).containsExactly(report, report);
                EpollSocketChannelConfig cfg = (EpollSocketChannelConfig) ch.config();
                assertThat(cfg.isKeepAlive()).isTrue();
                assertThat(cfg.getTcpKeepIdle()).isEqualTo(2);
                assertThat(cfg.getTcpKeepIntvl()).isEqualTo(1);
                assertThat(cfg.getTcpKeepCnt()).isEqualTo(3);
                assertThat(cfg.getTcpUserTimeout()).isEqualTo(5000);

                watch.echoed.get(10, TimeUnit.SECONDS);
                long lastSegment = settle(ch);
                long dropsBefore = rig.ipOutNoRoutes();
                rig.blackholePeerOutput();

                Stamped<PeerDead> dead = watch.dead.get(WAIT, TimeUnit.NANOSECONDS);
                long probes = rig.ipOutNoRoutes() - dropsBefore;
                long elapsed = dead.nanos() - lastSegment;
                KernelSample k = dead.value().evidence().kernel();
                Measurements.log("epoll, server child", "kernel verdict %s %.3f s after the last segment; "
                        + "IpOutNoRoutes +%d; TCP_INFO %s", dead.value().reason(), seconds(elapsed), probes, k);

                assertThat(dead.value().reason()).isEqualTo(DeathReason.KERNEL_TIMEOUT);
                assertKernelTiming(elapsed, NOMINAL);
                assertThat(probes).isEqualTo(3);
                assertThat(k).isNotNull();
                assertThat(k.probes()).isEqualTo(3);
                assertTimedOutError(watch);
            } finally {
                server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void assertKernelTiming(long elapsed, long nominal) {
        assertThat(elapsed).as("verdict after %.3f s, nominal %.3f s, ns", seconds(elapsed), seconds(nominal))
                .isBetween(nominal, kernelUpperBound(nominal));
    }

    private static long kernelUpperBound(long nominal) {
        return nominal * 115 / 100 + 500 * MS;
    }

    /**
     * The kernel's ETIMEDOUT went down the pipeline as Vigil's DeadPeerException, with the native error as cause.
     * The exception follows the {@code PeerDead} event and precedes {@code channelInactive}: wait for the latter.
     */
    private static void assertTimedOutError(Watch watch) throws Exception {
        assertThat(watch.closed.get(5, TimeUnit.SECONDS)).as("channel closed").isNotNull();
        List<Throwable> errors = watch.exceptions();
        assertThat(errors).hasSize(1).first().isInstanceOf(DeadPeerException.class);
        Throwable cause = errors.get(0).getCause();
        assertThat(cause).isInstanceOf(Errors.NativeIoException.class);
        assertThat(Math.abs(((Errors.NativeIoException) cause).expectedErr())).as("errno ETIMEDOUT").isEqualTo(110);
    }

    /**
     * Waits until nothing this side sent is unacknowledged, then returns a lower bound of the instant the kernel
     * counts keepalive idleness from: the last segment received ({@code TCP_INFO}), less one jiffy.
     */
    static long settle(Channel ch) throws Exception {
        long deadline = System.nanoTime() + 5 * S;
        while (true) {
            long before = System.nanoTime();
            KernelSample s = KernelAccess.inspector(ch).sample(ch);
            assertThat(s).as("TCP_INFO of %s", ch).isNotNull();
            if (s.unacked() == 0) {
                long sinceLast = Math.min(s.lastAckReceivedMillis(), s.lastDataReceivedMillis());
                return before - sinceLast * MS - JIFFY;
            }
            assertThat(before).as("peer ACKed everything within 5 s").isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * Two connections to one peer, one per layer, both quiet after an echo: the kernel layer alone (the policy as
     * kernel options, a userspace layer that never decides in time), and the userspace layer alone (the policy in
     * {@code KeepAliveHandler}, no kernel options).
     *
     * @param kernelLast lower bound of the kernel connection's last received segment, {@link System#nanoTime()}
     * @param userspaceLast arrival of the userspace connection's last message, {@link System#nanoTime()}
     */
    private record Layers(Client kernel, long kernelLast, Client userspace, long userspaceLast) {
        static Layers connect(NetnsRig rig, PeerProcess peer) throws Exception {
            Client kernel = Client.connect(epoll, EpollSocketChannel.class, rig.peerAddress(), peer.port(),
                    POLICY, BYSTANDER);
            Client userspace = Client.connect(epoll, EpollSocketChannel.class, rig.peerAddress(), peer.port(),
                    null, POLICY);
            // Both round trips at once, so both connections go quiet at about the same instant and the two
            // verdicts can be compared as instants too.
            CompletableFuture<Long> kernelEcho = kernel.sendEcho();
            CompletableFuture<Long> userspaceEcho = userspace.sendEcho();
            long kernelLast = kernel.settleAfter(kernelEcho);
            userspace.settleAfter(userspaceEcho);
            return new Layers(kernel, kernelLast, userspace, userspace.lastEcho);
        }
    }

    /** A Vigil client connection: heartbeat protocol, {@code KeepAliveHandler}, optional kernel options. */
    static final class Client {
        final Channel channel;
        final Watch watch;
        long lastEcho;

        private Client(Channel channel, Watch watch) {
            this.channel = channel;
            this.watch = watch;
        }

        static Client connect(EventLoopGroup group, Class<? extends Channel> type, String host, int port,
                              @Nullable KeepAlivePolicy kernel, KeepAlivePolicy userspace) throws Exception {
            Watch watch = new Watch();
            Bootstrap b = new Bootstrap().group(group).channel(type).handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    HeartbeatKeepAlive.install(ch.pipeline(), userspace).exceptionOnVerdict(true);
                    ch.pipeline().addLast(watch);
                }
            });
            if (kernel != null) {
                SocketKeepAlive.of(kernel).configure(b);
            }
            ChannelFuture f = b.connect(host, port);
            assertThat(f.await(10, TimeUnit.SECONDS)).as("connected within 10 s").isTrue();
            if (!f.isSuccess()) {
                throw new AssertionError("connect to " + host + ":" + port + " failed", f.cause());
            }
            if (kernel != null) {
                KernelOptionsReport report = watch.options.get(10, TimeUnit.SECONDS);
                assertThat(report.allApplied()).as("%s", report).isTrue();
            }
            return new Client(f.channel(), watch);
        }

        /**
         * One echo round trip (the last inbound message), then one more byte so the echo is ACKed at once, then
         * {@link #settle(Channel)}: the connection is quiet and the peer has nothing left to send.
         */
        long settleAfterEcho() throws Exception {
            return settleAfter(sendEcho());
        }

        /** Sends the echo request; the future completes with the echo's arrival, {@link System#nanoTime()}. */
        CompletableFuture<Long> sendEcho() {
            CompletableFuture<Long> echo = watch.nextEcho();
            channel.writeAndFlush(ascii("E1"));
            return echo;
        }

        /** The rest of {@link #settleAfterEcho()} once {@link #sendEcho()} was called. */
        long settleAfter(CompletableFuture<Long> echo) throws Exception {
            lastEcho = echo.get(10, TimeUnit.SECONDS);
            // Written by the event loop: wait until the kernel has the byte, or settle() could see it unsent.
            ChannelFuture written = channel.writeAndFlush(ascii("x"));
            assertThat(written.await(5, TimeUnit.SECONDS) && written.isSuccess()).as("written: %s", written).isTrue();
            return settle(channel);
        }

        private static io.netty.buffer.ByteBuf ascii(String s) {
            return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
        }
    }

    /** Prints measured timings, so that a run's log holds the numbers. */
    static final class Measurements {
        private Measurements() {
        }

        static void log(String scenario, String format, Object... args) {
            System.out.println("[kernel-timing] " + scenario + ": " + String.format(Locale.ROOT, format, args));
        }
    }
}
