package io.vigil.examples.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.ConnectionRetired;
import io.vigil.core.event.HealthEvent;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.http2.Http2KeepAlive;
import io.vigil.core.http2.Http2KeepAliveHandler;
import io.vigil.core.lifecycle.ConnectionLifetime;
import io.vigil.core.lifecycle.Http2ConnectionLifetimeHandler;
import io.vigil.core.lifecycle.Http2PingBackoffHandler;
import io.vigil.core.lifecycle.Http2PingPolicingHandler;
import io.vigil.core.lifecycle.PingBackoffTable;
import io.vigil.core.lifecycle.PingRatePolicy;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lifecycle policies against real peers over loopback sockets, every wait bounded: a Vigil client backing off
 * from a grpc-java server's {@code too_many_pings}; OkHttp pinging a Vigil server too often (struck, then
 * {@code GOAWAY too_many_pings}) and within the limits (never struck); a grpc-java client against a Vigil server
 * with a maximum connection age (every call succeeds across the {@code GOAWAY}s); and a raw client's {@code PING}
 * flood, ended by policing, with the server's CPU time and bytes sent back per byte of flood measured.
 */
@Timeout(60)
class LifecyclePoliciesInteropTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Health events of every server connection, and its inbound and outbound byte counts. */
    private static final class ServerLog {
        final HealthLog health = new HealthLog();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicLong bytesIn = new AtomicLong();
        final AtomicLong bytesOut = new AtomicLong();
        volatile Thread loop;
    }

    /** A Vigil HTTP/2 echo server (as {@link io.vigil.examples.http2.Http2EchoServer}) plus the lifecycle handlers. */
    private static Channel vigilServer(EventLoopGroup group, ServerLog log, Consumer<Channel> lifecycle)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        log.connections.incrementAndGet();
                        log.loop = Thread.currentThread();
                        ch.pipeline().addLast("bytes", new ByteCounter(log))
                                .addLast("h2", Http2FrameCodecBuilder.forServer().build())
                                .addLast("streams", new Http2MultiplexHandler(new EchoStream.Initializer()))
                                .addLast("health", new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt instanceof HealthEvent) {
                                            log.health.record(ctx.channel(), (HealthEvent) evt);
                                        }
                                        ReferenceCountUtil.release(evt);
                                    }

                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        ReferenceCountUtil.release(msg);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                        Http2KeepAlive.install(ch.pipeline(), KeepAlivePolicy.deadWithin(Duration.ofSeconds(60)));
                        lifecycle.accept(ch);
                    }
                })
                .bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
    }

    /** Counts the bytes a connection reads and writes, at the socket end of its pipeline. */
    private static final class ByteCounter extends ChannelDuplexHandler {
        private final ServerLog log;

        ByteCounter(ServerLog log) {
            this.log = log;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            log.bytesIn.addAndGet(size(msg));
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            log.bytesOut.addAndGet(size(msg));
            ctx.write(msg, promise);
        }

        private static long size(Object msg) {
            return msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes()
                    : msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content().readableBytes() : 0;
        }
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static void stop(EventLoopGroup group) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static Server grpcServer() throws Exception {
        return NettyServerBuilder.forAddress(new InetSocketAddress(LOOPBACK, 0)) // default permitKeepAliveTime 5 min
                .addService(ServerServiceDefinition.builder(EchoMethod.SERVICE)
                        .addMethod(EchoMethod.METHOD, ServerCalls.asyncUnaryCall((request, reply) -> {
                            reply.onNext(request);
                            reply.onCompleted();
                        }))
                        .build())
                .build().start();
    }

    /** The connection-level end of Vigil clients: their back-offs and the GOAWAYs they receive (a shared list). */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class ClientLog extends ChannelInboundHandlerAdapter {
        final List<Object> seen = new CopyOnWriteArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof PingBackoff) {
                seen.add(evt);
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                seen.add("GOAWAY " + ((Http2GoAwayFrame) msg).errorCode() + " "
                        + ((Http2GoAwayFrame) msg).content().toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Test
    void aVigilClientToldTooManyPingsByAGrpcServerDoublesItsIdleAndTheNextConnectionUsesIt() throws Exception {
        Server server = grpcServer();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        PingBackoffTable table = new PingBackoffTable();
        KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(Duration.ofSeconds(3)); // a PING about every 1.5 s
        try {
            Http2KeepAliveHandler[] keepAlive = new Http2KeepAliveHandler[1];
            ClientLog log = new ClientLog();
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("h2", Http2FrameCodecBuilder.forClient().build()).addLast(log);
                            keepAlive[0] = Http2KeepAlive.install(ch.pipeline(), policy);
                            ch.pipeline().addAfter("vigil.keepalive", "vigil.pingBackoff",
                                    new Http2PingBackoffHandler(table, HealthRecorder.NOOP));
                        }
                    });
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getPort());
            Channel first = bootstrap.connect(address).sync().channel();
            assertThat(first.closeFuture().await(15, TimeUnit.SECONDS)).as("closed by the grpc-java server").isTrue();
            assertThat(log.seen).contains("GOAWAY 11 too_many_pings"); // ENHANCE_YOUR_CALM = 0xb
            PingBackoff backoff = (PingBackoff) log.seen.stream().filter(PingBackoff.class::isInstance).findFirst()
                    .orElseThrow();
            assertThat(backoff.newIdleNanos()).isEqualTo(2 * policy.idleNanos());
            Channel second = bootstrap.connect(address).sync().channel();
            second.eventLoop().submit(() -> null).get(5, TimeUnit.SECONDS); // channelActive has run
            assertThat(keepAlive[0].policy().idleNanos()).as("the next connection to that address")
                    .isEqualTo(2 * policy.idleNanos());
            System.out.printf("grpc-java server: too_many_pings; back-off idle %s -> %s for %s%n", policy.idle(),
                    keepAlive[0].policy().idle(), backoff.remoteAddress());
            second.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        } finally {
            stop(group);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static OkHttpClient okHttp(long pingMillis) {
        return new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .pingInterval(pingMillis, TimeUnit.MILLISECONDS).build();
    }

    private static void get(OkHttpClient client, int port) throws Exception {
        try (Response response = client.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/hello")
                .build()).execute()) {
            assertThat(response.protocol()).isEqualTo(Protocol.H2_PRIOR_KNOWLEDGE);
            response.body().string();
        }
    }

    @Test
    void okHttpPingingTooOftenIsStruckThenToldTooManyPingsAndOneWithinTheLimitsIsNeverStruck() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerLog log = new ServerLog();
        PingRatePolicy oneASecond = PingRatePolicy.builder().minInterval(Duration.ofSeconds(1))
                .permitKeepAliveWithoutCalls(true).build();
        OkHttpClient fast = okHttp(200);
        OkHttpClient polite = okHttp(1_300);
        try {
            Channel server = vigilServer(group, log,
                    ch -> Http2PingPolicingHandler.install(ch.pipeline(), oneASecond, HealthRecorder.NOOP));
            get(fast, port(server));
            HealthLog.Seen tooMany = log.health.await("TooManyPings", 10_000, e -> e instanceof TooManyPings);
            assertThat(tooMany.event()).isEqualTo(new TooManyPings(3));
            long strikes = log.health.events().stream().filter(s -> s.event() instanceof PingStrike).count();
            assertThat(strikes).isEqualTo(2);

            ServerLog politeLog = new ServerLog();
            Channel politeServer = vigilServer(group, politeLog,
                    ch -> Http2PingPolicingHandler.install(ch.pipeline(), oneASecond, HealthRecorder.NOOP));
            get(polite, port(politeServer));
            Thread.sleep(4_500); // real peer, real time: three OkHttp pings go by
            assertThat(politeLog.health.events()).noneMatch(s -> s.event() instanceof PingStrike
                    || s.event() instanceof TooManyPings);
            get(polite, port(politeServer));
            assertThat(politeLog.connections).as("the same connection all along").hasValue(1);
        } finally {
            fast.connectionPool().evictAll();
            polite.connectionPool().evictAll();
            fast.dispatcher().executorService().shutdownNow();
            polite.dispatcher().executorService().shutdownNow();
            stop(group);
        }
    }

    @Test
    void aGrpcClientAgainstAVigilServerWithAMaxAgeReconnectsAcrossTheGoAwaysWithoutFailingACall() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerLog log = new ServerLog();
        ConnectionLifetime lifetime = ConnectionLifetime.builder().maxAge(Duration.ofSeconds(1))
                .grace(Duration.ofSeconds(3)).build();
        ManagedChannel channel = null;
        try {
            Channel server = vigilServer(group, log,
                    ch -> Http2ConnectionLifetimeHandler.install(ch.pipeline(), lifetime, HealthRecorder.NOOP));
            channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port(server), InsecureChannelCredentials.create())
                    .build();
            int calls = 0;
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4_000);
            while (System.nanoTime() - end < 0) {
                byte[] reply = ClientCalls.blockingUnaryCall(channel, EchoMethod.METHOD,
                        CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
                        ("call " + calls).getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("call " + calls);
                calls++;
                Thread.sleep(20);
            }
            long retired = log.health.events().stream().filter(s -> s.event() instanceof ConnectionRetired
                    && !((ConnectionRetired) s.event()).forced()).count();
            System.out.printf("grpc-java client: %d calls, all answered, over %d connections (%d retired at max age)%n",
                    calls, log.connections.get(), retired);
            assertThat(retired).isGreaterThanOrEqualTo(2);
            assertThat(log.connections.get()).isGreaterThanOrEqualTo(3);
        } finally {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            stop(group);
        }
    }

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    private static final int PING_BYTES = 17;

    /** Sends {@code pings} PING frames in batches as fast as the socket takes them; returns the bytes written. */
    private static long flood(Socket socket, int pings) {
        byte[] batch = new byte[100 * PING_BYTES];
        for (int i = 0; i < 100; i++) {
            byte[] ping = {0, 0, 8, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) i};
            System.arraycopy(ping, 0, batch, i * PING_BYTES, PING_BYTES);
        }
        long written = 0;
        try {
            OutputStream out = socket.getOutputStream();
            out.write(PREFACE);
            out.write(SETTINGS);
            written += PREFACE.length + SETTINGS.length;
            for (int sent = 0; sent < pings; sent += 100) {
                out.write(batch);
                written += batch.length;
            }
        } catch (java.io.IOException closedByTheServer) {
            // policing ended the connection mid-flood
        }
        return written;
    }

    private static long drain(Socket socket) {
        long read = 0;
        byte[] buffer = new byte[65_536];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) != -1; ) {
                read += n;
            }
        } catch (java.io.IOException reset) {
            // the server closed at once
        }
        return read;
    }

    @Test
    void aPingFloodIsEndedByPolicingAtBoundedCostAndTheBytesSentBackAreMeasured() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            for (boolean policed : new boolean[] {true, false}) {
                ServerLog log = new ServerLog();
                PingRatePolicy policy = policed ? PingRatePolicy.defaults()
                        : PingRatePolicy.builder().minInterval(Duration.ZERO).minIntervalWithoutWork(Duration.ZERO)
                        .build();
                Channel server = vigilServer(group, log,
                        ch -> Http2PingPolicingHandler.install(ch.pipeline(), policy, HealthRecorder.NOOP));
                long cpuBefore = group.next().submit(() -> threads.getCurrentThreadCpuTime()).get(5, TimeUnit.SECONDS);
                long written;
                long read;
                long started = System.nanoTime();
                try (Socket socket = new Socket(LOOPBACK, port(server))) {
                    socket.setSoTimeout(10_000);
                    long[] back = new long[1];
                    Thread reader = new Thread(() -> back[0] = drain(socket), "flood-reader");
                    reader.start();
                    written = flood(socket, policed ? 20_000 : 5_000);
                    if (!policed) {
                        socket.shutdownOutput();
                    }
                    reader.join(15_000);
                    assertThat(reader.isAlive()).as("the server closed the flood's connection").isFalse();
                    read = back[0];
                }
                long elapsed = System.nanoTime() - started;
                long cpu = group.next().submit(() -> threads.getCurrentThreadCpuTime()).get(5, TimeUnit.SECONDS)
                        - cpuBefore;
                double ratio = (double) log.bytesOut.get() / log.bytesIn.get();
                System.out.printf("PING flood (%s): client wrote %d B in %.1f ms; server read %d B, sent back %d B"
                                + " (%.3f B per B read; client received %d B); server loop CPU %.1f ms%n",
                        policed ? "policed, default policy" : "policing off", written, elapsed / 1e6,
                        log.bytesIn.get(), log.bytesOut.get(), ratio, read, cpu / 1e6);
                if (policed) {
                    assertThat(log.health.events()).anyMatch(s -> s.event() instanceof TooManyPings);
                    assertThat(cpu).as("server CPU for the whole flood").isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
                }
                server.close().sync();
            }
        } finally {
            stop(group);
        }
    }
}
