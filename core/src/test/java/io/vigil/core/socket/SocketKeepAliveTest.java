package io.vigil.core.socket;

import io.vigil.core.VigilPipeline;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.kernel.KernelOption;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.KernelOptionsApplied;
import io.vigil.core.handler.HeartbeatKeepAlive;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelRounding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SocketKeepAlive} in core: NIO sockets over loopback (the three keepalive values through
 * {@code jdk.net.ExtendedSocketOptions}; no {@code TCP_USER_TIMEOUT} on JDK 17, which must be reported), a transport
 * with no kernel options at all, strict mode, and validation before any socket exists. The native transports are
 * tested in {@code vigil-epoll}.
 */
@Timeout(30)
class SocketKeepAliveTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(7))
            .interval(Duration.ofSeconds(3)).probes(4).build();
    private static final EventLoopGroup NIO = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterAll
    static void shutDown() {
        NIO.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Test
    void nioSocketsCarryTheKeepAliveTrioAndReportTheUserTimeoutUnsupported() throws Exception {
        CompletableFuture<KernelOptionsReport> child = new CompletableFuture<>();
        CompletableFuture<KernelOptionsReport> client = new CompletableFuture<>();
        List<HealthSubject> subjects = new java.util.concurrent.CopyOnWriteArrayList<>();
        HealthRecorder recorder = new HealthRecorder() {
            @Override
            public void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
                subjects.add(subject);
            }
        };
        SocketKeepAlive kernel = SocketKeepAlive.builder(POLICY).recorder(recorder).build();
        ServerBootstrap sb = new ServerBootstrap().group(NIO).channel(NioServerSocketChannel.class)
                .childHandler(new Reports(child));
        Channel server = kernel.configure(sb).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        Bootstrap b = new Bootstrap().group(NIO).channel(NioSocketChannel.class).handler(new Reports(client));
        Channel ch = kernel.configure(b).connect(server.localAddress()).syncUninterruptibly().channel();
        try {
            for (KernelOptionsReport report : List.of(client.get(5, TimeUnit.SECONDS), child.get(5, TimeUnit.SECONDS))) {
                assertThat(report.transport()).isEqualTo("nio");
                assertThat(report.outcomes()).containsExactly(
                        new OptionOutcome(KernelOption.SO_KEEPALIVE, 1, 1, OptionOutcome.Status.APPLIED),
                        new OptionOutcome(KernelOption.TCP_KEEPIDLE, 7, 7, OptionOutcome.Status.APPLIED),
                        new OptionOutcome(KernelOption.TCP_KEEPINTVL, 3, 3, OptionOutcome.Status.APPLIED),
                        new OptionOutcome(KernelOption.TCP_KEEPCNT, 4, 4, OptionOutcome.Status.APPLIED),
                        new OptionOutcome(KernelOption.TCP_USER_TIMEOUT, 19_000, OptionOutcome.UNKNOWN,
                                OptionOutcome.Status.UNSUPPORTED));
                assertThat(report.allApplied()).isFalse();
            }
            // The listener's own report (AcceptPath.LISTENER: the trio is set once there) and the child's.
            assertThat(subjects).extracting(HealthSubject::side)
                    .containsExactlyInAnyOrder(HealthSubject.CLIENT, HealthSubject.SERVER, HealthSubject.SERVER);
            assertThat(subjects).extracting(HealthSubject::protocol).containsOnly(SocketKeepAlive.PROTOCOL);
            // It removes itself in the loop task that reports, so ask on the loop.
            assertThat(ch.eventLoop().submit(() -> ch.pipeline().get(VigilPipeline.SOCKET_KEEPALIVE))
                    .get(5, TimeUnit.SECONDS)).as("removed itself").isNull();
            assertThat(ch.isActive()).as("reporting mode keeps the channel").isTrue();
        } finally {
            ch.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
        }
    }

    /**
     * NIO on JDK 17 takes the keepalive trio but not {@code TCP_USER_TIMEOUT}: the kernel then gives up after
     * {@code TCP_KEEPCNT} probes, so a {@code KeepAliveHandler} with the same policy drops its user timeout and gives
     * its verdict after the same probes. An off-grid user timeout shows the difference it would otherwise make: with
     * it the userspace layer would give up after 2 probes, the kernel after 4.
     */
    @Test
    void onNioWithoutTcpUserTimeoutTheUserspaceLayerFollowsTheKernelsProbeCount() throws Exception {
        KeepAlivePolicy offGrid = POLICY.toBuilder().userTimeout(Duration.ofMillis(12_500)).build();
        assertThat(offGrid.silentPeerProbes()).as("the user timeout alone would stop after").isEqualTo(2);
        CompletableFuture<KeepAliveHandler> handler = new CompletableFuture<>();
        ServerBootstrap sb = new ServerBootstrap().group(NIO).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter());
        Channel server = sb.bind("127.0.0.1", 0).syncUninterruptibly().channel();
        Bootstrap b = new Bootstrap().group(NIO).channel(NioSocketChannel.class).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                KeepAliveHandler k =
                        HeartbeatKeepAlive.install(ch.pipeline(), offGrid);
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof KernelOptionsApplied) {
                            handler.complete(k);
                        }
                        ReferenceCountUtil.release(evt);
                    }
                });
            }
        });
        Channel ch = SocketKeepAlive.of(offGrid).configure(b).connect(server.localAddress()).syncUninterruptibly()
                .channel();
        try {
            KeepAliveHandler k = handler.get(5, TimeUnit.SECONDS);
            KeepAlivePolicy followed = k.policy();
            assertThat(followed.userTimeout()).isEqualTo(Duration.ZERO);
            assertThat(followed.probes()).isEqualTo(4);
            assertThat(followed.silentPeerProbes()).as("as the kernel: TCP_KEEPCNT").isEqualTo(4);
            assertThat(followed.idle()).isEqualTo(offGrid.idle());
            assertThat(followed.interval()).isEqualTo(offGrid.interval());
        } finally {
            ch.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void aTransportWithoutKernelOptionsReportsEachOneUnsupported() {
        List<Object> events = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(SocketKeepAlive.of(POLICY).newHandler(), collect(events));
        ch.runPendingTasks();
        assertThat(events).singleElement().isInstanceOfSatisfying(KernelOptionsApplied.class, e -> {
            assertThat(e.report().transport()).isEqualTo("embedded");
            assertThat(e.report().outcomes()).hasSize(5).allSatisfy(o -> {
                assertThat(o.status()).isEqualTo(OptionOutcome.Status.UNSUPPORTED);
                assertThat(o.effective()).isEqualTo(OptionOutcome.UNKNOWN);
            });
        });
        assertThat(ch.isActive()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void addedToALiveChannelItReportsOnceTheHandlersAfterItAreInPlace() {
        List<Object> events = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(collect(events));
        ch.pipeline().addFirst(VigilPipeline.SOCKET_KEEPALIVE, SocketKeepAlive.of(POLICY).newHandler());
        assertThat(events).as("not from handlerAdded").isEmpty();
        ch.runPendingTasks();
        assertThat(events).singleElement().isInstanceOf(KernelOptionsApplied.class);
        assertThat(ch.pipeline().get(VigilPipeline.SOCKET_KEEPALIVE)).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void strictModeFailsAndClosesAChannelWhoseOptionsDidNotApply() {
        List<Object> events = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(SocketKeepAlive.builder(POLICY).strict(true).build().newHandler(),
                collect(events));
        ch.runPendingTasks();
        assertThat(events).hasSize(2).last().isInstanceOfSatisfying(KernelOptionsException.class, e -> {
            assertThat(e.report()).isEqualTo(((KernelOptionsApplied) events.get(0)).report());
            assertThat(e.getMessage()).startsWith("kernel keepalive options not applied on this embedded socket"
                    + " (strict mode closes the channel): SO_KEEPALIVE UNSUPPORTED (requested 1, effective unknown);"
                    + " TCP_KEEPIDLE UNSUPPORTED (requested 7 s, effective unknown);");
            assertThat(e.getStackTrace()).isEmpty();
        });
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aThrowingRecorderDoesNotBreakTheChannel() {
        HealthRecorder broken = new HealthRecorder() {
            @Override
            public void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
                throw new IllegalStateException("broken recorder");
            }
        };
        List<Object> events = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(SocketKeepAlive.builder(POLICY).recorder(broken).build()
                .newHandler(), collect(events));
        ch.runPendingTasks();
        assertThat(events).singleElement().isInstanceOf(KernelOptionsApplied.class);
        assertThat(ch.isActive()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void valuesTheKernelCannotTakeAreRejectedWithThePolicysMessageBeforeAnySocketExists() {
        KeepAlivePolicy subSecond = POLICY.toBuilder().interval(Duration.ofMillis(2500)).build();
        AtomicInteger sockets = new AtomicInteger();
        ChannelHandler app = new ChannelInboundHandlerAdapter();
        Bootstrap b = new Bootstrap().group(NIO).channelFactory(() -> {
            sockets.incrementAndGet();
            return new NioSocketChannel();
        }).handler(app);
        String expected = "interval = 2500 ms cannot be applied to the kernel: TCP_KEEPINTVL takes whole seconds"
                + " (1 .. 32767 s); use whole seconds or KernelRounding.ROUND_UP (-> 3 s)";
        assertThatThrownBy(() -> subSecond.toKernel(KernelRounding.REJECT)).hasMessage(expected);
        assertThatThrownBy(() -> SocketKeepAlive.of(subSecond).configure(b))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThat(sockets).hasValue(0);
        assertThat(b.config().handler()).isSameAs(app);
        assertThat(SocketKeepAlive.builder(subSecond).rounding(KernelRounding.ROUND_UP).build().requested(
                KernelOption.TCP_KEEPINTVL)).isEqualTo(3);
    }

    @Test
    void configureNeedsTheApplicationsHandlerFirstAndReplacesAnEarlierConfiguration() {
        assertThatThrownBy(() -> SocketKeepAlive.of(POLICY).configure(new Bootstrap()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Bootstrap has no handler: call handler(...) before");
        assertThatThrownBy(() -> SocketKeepAlive.of(POLICY).configure(new ServerBootstrap()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ServerBootstrap has no child handler: call childHandler(...) before");

        List<Object> events = new ArrayList<>();
        Bootstrap b = new Bootstrap().handler(collect(events));
        SocketKeepAlive.of(POLICY).configure(b);
        SocketKeepAlive.builder(POLICY).strict(true).build().configure(b);
        EmbeddedChannel ch = new EmbeddedChannel(b.config().handler());
        ch.runPendingTasks();
        assertThat(events).as("one report, by the second (strict) configuration").hasSize(2)
                .first().isInstanceOf(KernelOptionsApplied.class);
        assertThat(events.get(1)).isInstanceOf(KernelOptionsException.class);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void serverConfigurationTakesTheListenerPathByDefaultAndSwitchesPathsCleanly() {
        ChannelHandler app = new ChannelInboundHandlerAdapter();
        ChannelHandler serverApp = new ChannelInboundHandlerAdapter();
        ServerBootstrap sb = new ServerBootstrap().handler(serverApp).childHandler(app);
        SocketKeepAlive listener = SocketKeepAlive.of(POLICY);
        assertThat(listener.acceptPath()).isEqualTo(AcceptPath.LISTENER);
        assertThat(listener.childReports()).isEqualTo(SocketKeepAlive.DEFAULT_CHILD_REPORTS);
        listener.configure(sb);
        listener.configure(sb);
        assertThat(sb.config().handler()).isInstanceOf(SocketKeepAlive.ListenerInitializer.class);
        assertThat(SocketKeepAlive.ListenerInitializer.unwrap(sb.config().handler())).as("wrapped once")
                .isSameAs(serverApp);
        assertThat(sb.config().childHandler()).as("children untouched").isSameAs(app);

        SocketKeepAlive.builder(POLICY).acceptPath(AcceptPath.EACH_CHILD).build().configure(sb);
        assertThat(sb.config().handler()).as("the listener left alone").isSameAs(serverApp);
        assertThat(SocketKeepAlive.Initializer.unwrap(sb.config().childHandler())).isSameAs(app);
        assertThat(sb.config().childHandler()).isInstanceOf(SocketKeepAlive.Initializer.class);
        listener.configure(sb);
        assertThat(sb.config().childHandler()).as("back to the listener path").isSameAs(app);
    }

    @Test
    void childReportsBelowOneAreRejectedWithTheRange() {
        assertThatThrownBy(() -> SocketKeepAlive.builder(POLICY).childReports(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("childReports : 0 (expected: >= 1, report one in n accepted children; 1 reports every"
                        + " child)");
        assertThat(SocketKeepAlive.builder(POLICY).childReports(1).build().childReports()).isEqualTo(1);
    }

    private static ChannelHandler collect(List<Object> events) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public boolean isSharable() {
                return true;
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                events.add(cause);
            }
        };
    }

    /** Completes with the channel's kernel options report. */
    private static final class Reports extends ChannelInitializer<Channel> {
        private final CompletableFuture<KernelOptionsReport> report;

        Reports(CompletableFuture<KernelOptionsReport> report) {
            this.report = report;
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof KernelOptionsApplied) {
                        report.complete(((KernelOptionsApplied) evt).report());
                    }
                    ReferenceCountUtil.release(evt);
                }
            });
        }
    }
}
