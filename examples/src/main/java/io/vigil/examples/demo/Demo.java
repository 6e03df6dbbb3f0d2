package io.vigil.examples.demo;

import io.vigil.core.VigilPipeline;
import io.vigil.core.internal.timer.TimerWheels;
import io.micrometer.core.instrument.Tags;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.DeadPeerException;
import io.vigil.core.event.HealthEvent;
import io.vigil.core.event.KernelOptionsApplied;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.handler.HeartbeatKeepAlive;
import io.vigil.core.VigilPipeline;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelRounding;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatResponder;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.socket.SocketKeepAlive;
import io.vigil.examples.metrics.PrometheusEndpoint;
import io.vigil.examples.metrics.VigilPrometheus;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The demo: a server and two clients over loopback. The server watches both with Vigil's heartbeat keepalive. After
 * one second the application of client "bob" hangs: it stops answering probes while its socket stays open, which
 * the kernel's own keepalive can never see. The server probes bob, declares him dead within the policy's budget and
 * closes the connection, while "alice" keeps answering and stays connected. The timeline is printed; the exit code
 * is 0 when bob was found dead within his bound and alice survived.
 *
 * <p>The kernel layer runs on the same sockets ({@link SocketKeepAlive}: the policy rounded up to whole seconds and
 * read back). The server's health metrics are served for Prometheus on {@code http://127.0.0.1:PORT/metrics} while the demo
 * runs ({@code -Dvigil.metrics.port=PORT}, default: a free port); at the end the demo scrapes itself and prints the
 * Vigil lines.
 *
 * <pre>{@code mvn -B -q -Pdemo -pl examples -am verify -DskipTests}</pre>
 */
public final class Demo {

    private static final Duration BUDGET = Duration.ofSeconds(3);
    private static final long HANG_AFTER_MILLIS = 1_000;

    private final Timeline timeline;
    private final KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(BUDGET);
    /** Clients connect one after the other, so the server names its connections in accept order. */
    private static final String[] CLIENTS = {"alice", "bob"};
    private static final AttributeKey<String> NAME = AttributeKey.valueOf("vigil.demo.name");

    private final AtomicInteger accepted = new AtomicInteger();
    private final Map<String, AtomicLong> lastInbound = new ConcurrentHashMap<>();
    private final AtomicReference<PeerDead> bobVerdict = new AtomicReference<>();
    private final AtomicLong bobVerdictAt = new AtomicLong();
    private final AtomicInteger aliceAcks = new AtomicInteger();
    private final AtomicInteger aliceVerdicts = new AtomicInteger();
    private final CountDownLatch bobClosed = new CountDownLatch(1);

    private Demo(PrintStream out) {
        this.timeline = new Timeline(out);
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     * @throws Exception if the demo cannot run
     */
    public static void main(String[] args) throws Exception {
        boolean ok = new Demo(System.out).run();
        System.exit(ok ? 0 : 1);
    }

    private boolean run() throws Exception {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends Channel> clientClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, io);
        try (VigilPrometheus metrics = VigilPrometheus.start(PrometheusEndpoint.configuredPort().orElse(0),
                Tags.of("application", "vigil-demo"))) {
            ServerBootstrap bootstrap = new ServerBootstrap().group(serverGroup).channel(serverClass)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            int n = accepted.getAndIncrement();
                            ch.attr(NAME).set(n < CLIENTS.length ? CLIENTS[n] : "client" + n);
                            HeartbeatKeepAlive.install(ch.pipeline(), policy, metrics.recorder())
                                    .exceptionOnVerdict(true); // the timeline prints its message
                            ch.pipeline().addAfter(VigilPipeline.HEARTBEAT_CODEC, "lastInbound", new LastInbound());
                            ch.pipeline().addLast("timeline", new ServerTimeline());
                        }
                    });
            // The kernel layer on the same sockets: the policy's sub-second values rounded up to what the kernel
            // takes (whole seconds), set on every accepted child and read back.
            SocketKeepAlive kernel = SocketKeepAlive.builder(policy).rounding(KernelRounding.ROUND_UP)
                    .recorder(metrics.recorder()).build();
            Channel server = kernel.configure(bootstrap)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();

            timeline.line("Vigil demo: one server watches two clients with kernel and application-level keepalive.");
            timeline.line("Policy: " + policy);
            timeline.line("Kernel: " + kernel.kernel() + " (rounded up to whole seconds)");
            timeline.line(String.format(Locale.ROOT, "Transport: %s, server %s, timer tick %d ms, metrics at %s%n",
                    epoll ? "epoll" : "nio", server.localAddress(), TimerWheels.config().tickNanos() / 1_000_000,
                    metrics.uri()));

            Channel alice = connect(clientGroup, clientClass, server.localAddress(), CLIENTS[0]);
            Channel bob = connect(clientGroup, clientClass, server.localAddress(), CLIENTS[1]);

            bob.eventLoop().schedule(() -> {
                bob.pipeline().remove(VigilPipeline.PROBE_RESPONDER);
                timeline.print("bob", "the application hangs: it stops answering probes; its socket stays open");
            }, HANG_AFTER_MILLIS, TimeUnit.MILLISECONDS);

            long bound = HANG_AFTER_MILLIS + BUDGET.toMillis() + 2_000;
            boolean bobGone = bobClosed.await(bound, TimeUnit.MILLISECONDS);
            Thread.sleep(1_000); // show alice still answering after bob is gone
            boolean aliceAlive = alice.isActive();
            alice.close().sync();
            server.close().sync();
            boolean ok = summary(bobGone, aliceAlive, bob);
            printMetrics(metrics.uri());
            return ok;
        } finally {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private Channel connect(EventLoopGroup group, Class<? extends Channel> channelClass, java.net.SocketAddress server,
                            String name) throws InterruptedException {
        Channel ch = new Bootstrap().group(group).channel(channelClass)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
                                .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler())
                                .addLast("client", new ClientTimeline(name));
                    }
                })
                .connect(server).sync().channel();
        lastInbound.computeIfAbsent(name, k -> new AtomicLong());
        timeline.print(name, "connected from " + ch.localAddress() + "; says hello");
        ch.writeAndFlush(Unpooled.copiedBuffer("hello from " + name, StandardCharsets.UTF_8));
        return ch;
    }

    private static String nameOf(Channel serverChild) {
        String name = serverChild.attr(NAME).get();
        return name == null ? "?" : name;
    }

    private boolean summary(boolean bobGone, boolean aliceAlive, Channel bob) {
        PeerDead verdict = bobVerdict.get();
        long budgetNanos = policy.silentPeerVerdict().toNanos();
        long toleranceNanos = TimerWheels.config().tickNanos() + 250_000_000L;
        timeline.line("");
        if (verdict == null || !bobGone) {
            timeline.line("FAILED: bob was not declared dead and closed within " + (HANG_AFTER_MILLIS
                    + BUDGET.toMillis() + 2_000) + " ms.");
            return false;
        }
        long silence = bobVerdictAt.get() - lastInbound.get("bob").get();
        boolean withinBound = silence >= budgetNanos && silence <= budgetNanos + toleranceNanos;
        timeline.line(String.format(Locale.ROOT,
                "bob:   declared dead (%s) %.1f ms after his last message: budget %d ms, never early, at most"
                        + " %d ms late (one tick + 250 ms): %s; connection closed: %s",
                verdict.reason(), silence / 1e6, budgetNanos / 1_000_000, toleranceNanos / 1_000_000,
                withinBound ? "yes" : "NO", !bob.isActive() ? "yes" : "NO"));
        timeline.line(String.format(Locale.ROOT, "alice: still connected: %s; probes answered: %d; verdicts: %d",
                aliceAlive ? "yes" : "NO", aliceAcks.get(), aliceVerdicts.get()));
        boolean ok = withinBound && aliceAlive && !bob.isActive() && aliceVerdicts.get() == 0 && aliceAcks.get() > 0;
        timeline.line(ok ? "OK: the hung peer was found and closed within its bound; the healthy one was left alone."
                : "FAILED: see above.");
        return ok;
    }

    /** Scrapes the demo's own Prometheus endpoint over HTTP and prints Vigil's counters and gauges. */
    private void printMetrics(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        timeline.line("");
        timeline.line("Scraped " + uri + " (HTTP " + scrape.statusCode() + "), Vigil's non-zero counters:");
        for (String line : scrape.body().split("\n")) {
            if (line.startsWith("vigil_") && !line.contains("_bucket") && !line.contains("_max")
                    && !line.endsWith(" 0.0") && !line.endsWith(" 0")) {
                timeline.line("  " + line);
            }
        }
    }

    /** Server side: stamps the real time of each inbound message, before the keepalive handler sees it. */
    private final class LastInbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastInbound.computeIfAbsent(nameOf(ctx.channel()), k -> new AtomicLong()).set(System.nanoTime());
            ctx.fireChannelRead(msg);
        }
    }

    /** Server side: prints the health events of each connection. */
    private final class ServerTimeline extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HealthEvent) {
                String who = nameOf(ctx.channel());
                if (evt instanceof KernelOptionsApplied) {
                    KernelOptionsReport report = ((KernelOptionsApplied) evt).report();
                    timeline.print(who, "server: kernel options on the " + report.transport() + " socket, read back: "
                            + report.outcomes().stream().map(o -> o.option().optionName() + " " + o.effective()
                                    + (o.status() == OptionOutcome.Status.APPLIED ? "" : " " + o.status()))
                                    .collect(Collectors.joining(", ")));
                } else if (evt instanceof PeerDead) {
                    if ("alice".equals(who)) {
                        aliceVerdicts.incrementAndGet();
                    }
                    if ("bob".equals(who)) {
                        bobVerdictAt.set(System.nanoTime());
                        bobVerdict.set((PeerDead) evt);
                    }
                    timeline.print(who, "server: PeerDead(" + ((PeerDead) evt).reason() + ")");
                } else {
                    if (evt instanceof PeerAlive && "alice".equals(who)) {
                        aliceAcks.incrementAndGet();
                    }
                    timeline.print(who, "server: " + evt);
                }
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DeadPeerException) {
                timeline.print(nameOf(ctx.channel()), "server: " + cause.getMessage());
            } else {
                timeline.print(nameOf(ctx.channel()), "server: " + cause);
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                timeline.print(nameOf(ctx.channel()), "server: received \"" + ((ByteBuf) msg).toString(
                        StandardCharsets.UTF_8) + "\"");
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            String who = nameOf(ctx.channel());
            timeline.print(who, "server: connection closed");
            if ("bob".equals(who)) {
                bobClosed.countDown();
            }
        }
    }

    /** Client side: prints how the connection ended. */
    private final class ClientTimeline extends ChannelInboundHandlerAdapter {
        private final String name;
        private @Nullable Throwable failure;

        ClientTimeline(String name) {
            this.name = name;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // probes nobody answers once the application hangs
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure = cause;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            timeline.print(name, "client: connection closed" + (failure == null ? "" : " (" + failure.getMessage() + ")"));
        }
    }
}
