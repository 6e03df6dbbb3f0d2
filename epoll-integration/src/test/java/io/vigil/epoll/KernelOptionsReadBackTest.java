package io.vigil.epoll;

import io.vigil.core.VigilPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.KernelOptionsApplied;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelRounding;
import io.vigil.core.socket.AcceptPath;
import io.vigil.core.socket.KernelAccess;
import io.vigil.core.kernel.KernelOption;
import io.vigil.core.socket.KernelOptionsException;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.socket.SocketKeepAlive;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Test 6 of the issue, over loopback on each transport: every kernel option {@link SocketKeepAlive} sets on a
 * client and on an accepted child reads back equal to what was set, through the report and through the transport's
 * own typed getters; what a transport cannot carry is reported, never hidden; values the kernel cannot take are
 * rejected with the policy's message before any socket exists.
 */
@Timeout(30)
class KernelOptionsReadBackTest {

    /** Client side: an explicit user timeout. */
    private static final KeepAlivePolicy CLIENT = KeepAlivePolicy.builder().idle(Duration.ofSeconds(7))
            .interval(Duration.ofSeconds(3)).probes(4).userTimeout(Duration.ofMillis(12_345)).build();
    /** Server side: the default user timeout, 11 + 5 × 2 = 21 s. */
    private static final KeepAlivePolicy SERVER = KeepAlivePolicy.builder().idle(Duration.ofSeconds(11))
            .interval(Duration.ofSeconds(2)).probes(5).build();

    /** The three transports, each with its own option constants. */
    enum Transport {
        EPOLL("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class, EpollServerSocketChannel.class),
        IO_URING("io_uring", IoUringIoHandler.newFactory(), IoUringSocketChannel.class,
                IoUringServerSocketChannel.class),
        NIO("nio", NioIoHandler.newFactory(), NioSocketChannel.class, NioServerSocketChannel.class);

        final String label;
        final IoHandlerFactory factory;
        final Class<? extends Channel> client;
        final Class<? extends ServerChannel> server;

        Transport(String label, IoHandlerFactory factory, Class<? extends Channel> client,
                  Class<? extends ServerChannel> server) {
            this.label = label;
            this.factory = factory;
            this.client = client;
            this.server = server;
        }
    }

    private static final Map<Transport, EventLoopGroup> GROUPS = new ConcurrentHashMap<>();

    @BeforeAll
    static void nativeTransportsAreHere() {
        Epoll.ensureAvailability();
    }

    @AfterAll
    static void shutDown() {
        GROUPS.values().forEach(g -> g.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10,
                TimeUnit.SECONDS));
    }

    private static EventLoopGroup group(Transport t) {
        if (t == Transport.IO_URING && !IoUring.isAvailable()) {
            String why = "io_uring is not available here: " + IoUring.unavailabilityCause();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true, so the io_uring read-back must run, but " + why);
            }
            Assumptions.abort("Skipped: " + why);
        }
        return GROUPS.computeIfAbsent(t, x -> new MultiThreadIoEventLoopGroup(1, x.factory));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void clientAndAcceptedChildReadBackEveryOptionThatWasSet(Transport t) throws Exception {
        Recorded recorded = new Recorded();
        Pair pair = Pair.connect(t, SocketKeepAlive.builder(SERVER).recorder(recorded).build(),
                SocketKeepAlive.builder(CLIENT).recorder(recorded).build());
        try {
            assertReport(t, pair.clientReport, CLIENT);
            assertReport(t, pair.childReport, SERVER);
            assertSocketHolds(t, pair.client, CLIENT);
            assertSocketHolds(t, pair.child, SERVER);
            assertThat(recorded.reports).containsEntry(HealthSubject.CLIENT, pair.clientReport)
                    .containsEntry(HealthSubject.SERVER, pair.childReport);
            // The handler removes itself in the same loop task that fires the report, so ask on the loop.
            assertThat(pair.client.eventLoop().submit(() -> pair.client.pipeline().get(VigilPipeline.SOCKET_KEEPALIVE))
                    .get(5, TimeUnit.SECONDS)).as("removed after reporting").isNull();
            if (t != Transport.NIO) {
                KernelSample s = KernelAccess.inspector(pair.client).sample(pair.client);
                assertThat(s).as("TCP_INFO through the %s inspector", t.label).isNotNull();
                assertThat(s.state()).as("ESTABLISHED").isEqualTo(1);
            }
        } finally {
            pair.close();
        }
    }

    private static void assertReport(Transport t, KernelOptionsReport report, KeepAlivePolicy policy) {
        var k = policy.toKernel(KernelRounding.REJECT);
        assertThat(report.transport()).isEqualTo(t.label);
        assertThat(report.outcomes()).extracting(OptionOutcome::option).containsExactly(KernelOption.values());
        long[] requested = {1, k.idleSeconds(), k.intervalSeconds(), k.probes(), k.userTimeoutMillis()};
        for (OptionOutcome o : report.outcomes()) {
            assertThat(o.requested()).as("%s requested", o.option()).isEqualTo(requested[o.option().ordinal()]);
            if (t == Transport.NIO && o.option() == KernelOption.TCP_USER_TIMEOUT) {
                assertThat(o.status()).as("JDK 17 NIO has no TCP_USER_TIMEOUT").isEqualTo(
                        OptionOutcome.Status.UNSUPPORTED);
                assertThat(o.effective()).isEqualTo(OptionOutcome.UNKNOWN);
            } else {
                assertThat(o.status()).as("%s", o).isEqualTo(OptionOutcome.Status.APPLIED);
                assertThat(o.effective()).as("%s", o).isEqualTo(o.requested());
            }
        }
        assertThat(report.allApplied()).isEqualTo(t != Transport.NIO);
    }

    /**
     * Reads the socket without Vigil's access or Netty's keepalive constants: raw {@code getsockopt} through
     * {@link IntegerUnixChannelOption} on the native transports (level and option numbers of
     * {@code <netinet/tcp.h>}), the JDK's own options on NIO.
     */
    private static void assertSocketHolds(Transport t, Channel ch, KeepAlivePolicy policy) {
        var k = policy.toKernel(KernelRounding.REJECT);
        assertThat(((SocketChannelConfig) ch.config()).isKeepAlive()).isTrue();
        if (t == Transport.NIO) {
            assertThat(ch.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE)))
                    .isEqualTo(k.idleSeconds());
            assertThat(ch.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL)))
                    .isEqualTo(k.intervalSeconds());
            assertThat(ch.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT)))
                    .isEqualTo(k.probes());
            return;
        }
        assertThat(rawOption(ch, SOL_SOCKET, SO_KEEPALIVE)).isEqualTo(1);
        assertThat(rawOption(ch, IPPROTO_TCP, TCP_KEEPIDLE)).isEqualTo(k.idleSeconds());
        assertThat(rawOption(ch, IPPROTO_TCP, TCP_KEEPINTVL)).isEqualTo(k.intervalSeconds());
        assertThat(rawOption(ch, IPPROTO_TCP, TCP_KEEPCNT)).isEqualTo(k.probes());
        assertThat(rawOption(ch, IPPROTO_TCP, TCP_USER_TIMEOUT)).isEqualTo(k.userTimeoutMillis());
    }

    private static final int SOL_SOCKET = 1;
    private static final int SO_KEEPALIVE = 9;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_KEEPIDLE = 4;
    private static final int TCP_KEEPINTVL = 5;
    private static final int TCP_KEEPCNT = 6;
    private static final int TCP_USER_TIMEOUT = 18;

    private static Integer rawOption(Channel ch, int level, int option) {
        return ch.config().getOption(new IntegerUnixChannelOption("raw-" + level + "-" + option, level, option));
    }

    /** Why the constants are chosen per transport: io_uring ignores epoll's (Netty only logs it). */
    @Test
    void ioUringIgnoresEpollConstantsSoEachTransportGetsItsOwn() throws Exception {
        Pair pair = Pair.connect(Transport.IO_URING, SocketKeepAlive.of(SERVER), SocketKeepAlive.of(CLIENT));
        try {
            assertThat(pair.client.config().setOption(EpollChannelOption.TCP_KEEPIDLE, 99)).isFalse();
            assertThat(rawOption(pair.client, IPPROTO_TCP, TCP_KEEPIDLE)).isEqualTo(7);
            assertThat(pair.clientReport.allApplied()).isTrue();
        } finally {
            pair.close();
        }
    }

    @Test
    void strictModeKeepsAChannelWhoseOptionsAllApplied() throws Exception {
        Pair pair = Pair.connect(Transport.EPOLL, SocketKeepAlive.builder(SERVER).strict(true).build(),
                SocketKeepAlive.builder(CLIENT).strict(true).build());
        try {
            assertThat(pair.clientReport.allApplied()).isTrue();
            assertThat(pair.client.isActive()).isTrue();
            assertThat(pair.clientErrors).isEmpty();
        } finally {
            pair.close();
        }
    }

    @Test
    void strictModeOnNioFailsTheChannelNamingTheUnsupportedUserTimeout() throws Exception {
        Pair pair = Pair.connect(Transport.NIO, SocketKeepAlive.of(SERVER),
                SocketKeepAlive.builder(CLIENT).strict(true).build());
        try {
            assertThat(pair.client.closeFuture().await(5, TimeUnit.SECONDS)).as("closed").isTrue();
            assertThat(pair.clientErrors).singleElement().isInstanceOfSatisfying(KernelOptionsException.class,
                    e -> {
                        assertThat(e.report()).isEqualTo(pair.clientReport);
                        assertThat(e.getMessage()).isEqualTo("kernel keepalive options not applied on this nio"
                                + " socket (strict mode closes the channel): TCP_USER_TIMEOUT UNSUPPORTED"
                                + " (requested 12345 ms, effective unknown)");
                    });
        } finally {
            pair.close();
        }
    }

    /**
     * A value the kernel cannot take is refused with the policy's own message (naming setting, value, range and
     * unit), before any socket exists; the kernel would only say "Invalid argument", or silently truncate.
     */
    @Test
    void valuesTheKernelCannotTakeAreRejectedBeforeAnySocketExists() {
        KeepAlivePolicy subSecond = CLIENT.toBuilder().idle(Duration.ofMillis(1500)).build();
        AtomicInteger sockets = new AtomicInteger();
        Bootstrap b = new Bootstrap().group(group(Transport.EPOLL)).channelFactory(() -> {
            sockets.incrementAndGet();
            return new EpollSocketChannel();
        }).handler(new ChannelInboundHandlerAdapter());

        assertThatThrownBy(() -> SocketKeepAlive.of(subSecond).configure(b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idle = 1500 ms cannot be applied to the kernel: TCP_KEEPIDLE takes whole seconds"
                        + " (1 .. 32767 s); use whole seconds or KernelRounding.ROUND_UP (-> 2 s)");
        assertThatThrownBy(() -> SocketKeepAlive.of(CLIENT.toBuilder().userTimeout(Duration.ofNanos(1_500_000))
                .build())).hasMessageContaining("userTimeout = 1.5 ms cannot be applied to the kernel:"
                        + " TCP_USER_TIMEOUT takes whole milliseconds");
        assertThat(sockets).as("sockets created").hasValue(0);
        assertThat(b.config().handler()).as("bootstrap untouched").isInstanceOf(ChannelInboundHandlerAdapter.class);
        assertThat(SocketKeepAlive.builder(subSecond).rounding(KernelRounding.ROUND_UP).build().kernel()
                .idleSeconds()).isEqualTo(2);
    }

    /**
     * The default accept path: the options go once on the listening socket and every accepted socket inherits them,
     * verified by raw {@code getsockopt} on each child, sampled or not. Epoll and io_uring carry all five on the
     * listener, so only the first child is read back and reported; NIO's listener takes the three {@code TCP_KEEP*}
     * options but not {@code SO_KEEPALIVE}, which each child sets, and every NIO child is reported (its missing
     * {@code TCP_USER_TIMEOUT} is news for its {@code KeepAliveHandler}).
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void acceptedChildrenInheritTheListenersOptionsAndTheFirstIsReadBack(Transport t) throws Exception {
        Recorded recorded = new Recorded();
        Accepted a = Accepted.connect(t, SocketKeepAlive.builder(SERVER).recorder(recorded).build(), 3);
        try {
            KernelOptionsReport listener = a.listenerReport.get(5, TimeUnit.SECONDS);
            assertThat(listener.transport()).isEqualTo(t.label);
            for (OptionOutcome o : listener.outcomes()) {
                boolean nioCannot = t == Transport.NIO
                        && (o.option() == KernelOption.SO_KEEPALIVE || o.option() == KernelOption.TCP_USER_TIMEOUT);
                assertThat(o.status()).as("listener %s", o).isEqualTo(nioCannot ? OptionOutcome.Status.UNSUPPORTED
                        : OptionOutcome.Status.APPLIED);
            }
            for (Channel child : a.children) {
                assertSocketHolds(t, child, SERVER);
            }
            assertThat(a.childReports).as("children read back").hasSize(t == Transport.NIO ? 3 : 1);
            for (KernelOptionsReport r : a.childReports) {
                assertReport(t, r, SERVER);
            }
            if (t != Transport.NIO) {
                var k = SERVER.toKernel(KernelRounding.REJECT);
                assertThat(rawOption(a.server, IPPROTO_TCP, TCP_KEEPIDLE)).as("on the listener")
                        .isEqualTo(k.idleSeconds());
                assertThat(rawOption(a.server, IPPROTO_TCP, TCP_USER_TIMEOUT)).isEqualTo(k.userTimeoutMillis());
            }
        } finally {
            a.close();
        }
    }

    /** Per child on request: the listener is left alone, and every child sets, reads back and reports. */
    @Test
    void eachChildPathLeavesTheListenerAloneAndReportsEveryChild() throws Exception {
        Accepted a = Accepted.connect(Transport.EPOLL, SocketKeepAlive.builder(SERVER)
                .acceptPath(AcceptPath.EACH_CHILD).build(), 2);
        try {
            assertThat(a.childReports).hasSize(2).allSatisfy(r -> assertReport(Transport.EPOLL, r, SERVER));
            for (Channel child : a.children) {
                assertSocketHolds(Transport.EPOLL, child, SERVER);
            }
            assertThat(rawOption(a.server, SOL_SOCKET, SO_KEEPALIVE)).as("listener untouched").isZero();
            assertThat(a.listenerReport).isNotDone();
        } finally {
            a.close();
        }
    }

    /** Strict mode verifies each channel, so on the listener path every child is still read back. */
    @Test
    void strictModeReadsBackEveryInheritingChild() throws Exception {
        Accepted a = Accepted.connect(Transport.EPOLL, SocketKeepAlive.builder(SERVER).strict(true).build(), 2);
        try {
            assertThat(a.childReports).hasSize(2).allSatisfy(r -> assertThat(r.allApplied()).isTrue());
            assertThat(a.children).allSatisfy(c -> assertThat(c.isActive()).isTrue());
        } finally {
            a.close();
        }
    }

    /** A server and {@code n} accepted children, with the listener's report and the children's. */
    private static final class Accepted {
        final CompletableFuture<KernelOptionsReport> listenerReport = new CompletableFuture<>();
        final List<KernelOptionsReport> childReports = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Channel> children = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Channel> clients = new java.util.ArrayList<>();
        Channel server;

        static Accepted connect(Transport t, SocketKeepAlive serverSide, int n) throws Exception {
            EventLoopGroup group = group(t);
            Accepted a = new Accepted();
            java.util.concurrent.LinkedBlockingQueue<Channel> active = new java.util.concurrent.LinkedBlockingQueue<>();
            ServerBootstrap sb = new ServerBootstrap().group(group).channel(t.server)
                    .handler(new Capture(a.listenerReport, null))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    // The report, if any, follows in this same loop task (see below).
                                    ctx.executor().execute(() -> active.add(ctx.channel()));
                                    ctx.fireChannelActive();
                                }

                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof KernelOptionsApplied) {
                                        a.childReports.add(((KernelOptionsApplied) evt).report());
                                    }
                                    ReferenceCountUtil.release(evt);
                                }
                            });
                        }
                    });
            serverSide.configure(sb);
            a.server = sb.bind("127.0.0.1", 0).syncUninterruptibly().channel();
            for (int i = 0; i < n; i++) {
                a.clients.add(new Bootstrap().group(group).channel(t.client).handler(new ChannelInboundHandlerAdapter())
                        .connect(a.server.localAddress()).syncUninterruptibly().channel());
                Channel child = active.poll(5, TimeUnit.SECONDS);
                assertThat(child).as("child %s accepted and active", i).isNotNull();
                a.children.add(child);
            }
            return a;
        }

        void close() {
            for (Channel ch : clients) {
                ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            for (Channel ch : children) {
                ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            if (server != null) {
                server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    /** A connected client and the server's accepted child, both configured by {@link SocketKeepAlive}. */
    private static final class Pair {
        Channel server;
        Channel client;
        Channel child;
        KernelOptionsReport clientReport;
        KernelOptionsReport childReport;
        final List<Throwable> clientErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

        static Pair connect(Transport t, SocketKeepAlive serverSide, SocketKeepAlive clientSide) throws Exception {
            EventLoopGroup group = group(t);
            Pair p = new Pair();
            CompletableFuture<KernelOptionsReport> childReport = new CompletableFuture<>();
            CompletableFuture<Channel> child = new CompletableFuture<>();
            CompletableFuture<KernelOptionsReport> clientReport = new CompletableFuture<>();
            ServerBootstrap sb = new ServerBootstrap().group(group).channel(t.server)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            child.complete(ch);
                            ch.pipeline().addLast(new Capture(childReport, null));
                        }
                    });
            serverSide.configure(sb);
            p.server = sb.bind("127.0.0.1", 0).syncUninterruptibly().channel();
            Bootstrap b = new Bootstrap().group(group).channel(t.client)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .handler(new Capture(clientReport, p.clientErrors));
            clientSide.configure(b);
            ChannelFuture f = b.connect(p.server.localAddress()).syncUninterruptibly();
            p.client = f.channel();
            p.clientReport = clientReport.get(5, TimeUnit.SECONDS);
            p.child = child.get(5, TimeUnit.SECONDS);
            p.childReport = childReport.get(5, TimeUnit.SECONDS);
            assertThat(((InetSocketAddress) p.child.remoteAddress()).getPort())
                    .isEqualTo(((InetSocketAddress) p.client.localAddress()).getPort());
            return p;
        }

        void close() {
            for (Channel ch : new Channel[] {client, child, server}) {
                if (ch != null) {
                    ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Captures a channel's {@link KernelOptionsApplied} report and exceptions. */
    private static final class Capture extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<KernelOptionsReport> report;
        private final List<Throwable> errors;

        Capture(CompletableFuture<KernelOptionsReport> report, List<Throwable> errors) {
            this.report = report;
            this.errors = errors;
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof KernelOptionsApplied) {
                report.complete(((KernelOptionsApplied) evt).report());
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (errors != null) {
                errors.add(cause);
            }
        }
    }

    /** Keeps each side's report, by the side in its subject. */
    private static final class Recorded implements HealthRecorder {
        final Map<String, KernelOptionsReport> reports = new ConcurrentHashMap<>();

        @Override
        public void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
            assertThat(subject.protocol()).isEqualTo(SocketKeepAlive.PROTOCOL);
            reports.put(subject.side(), report);
        }
    }
}
