package io.vigil.examples.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.HealthEvent;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.http2.Http2KeepAlive;
import io.vigil.core.policy.KeepAlivePolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Vigil HTTP/2 client against a real grpc-java server (grpc-netty-shaded). A gRPC server polices {@code PING}s:
 * by default it allows one per 5 minutes, or per 2 hours while no call is open ({@code permitKeepAliveTime},
 * {@code permitKeepAliveWithoutCalls}), and answers the third early one with {@code GOAWAY(ENHANCE_YOUR_CALM,
 * "too_many_pings")}. With the server's permission for the policy's rate, Vigil's {@code PING}s are answered with a
 * round-trip time; without it, the server sends that {@code GOAWAY}, which the second test shows. Every wait is
 * bounded.
 */
@Timeout(60)
class GrpcServerInteropTest {

    /** Dead within 3 s: a probe after 1.5 s idle, so one PING per 1.5 s against a live server. */
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.deadWithin(Duration.ofSeconds(3));

    /** The connection-level end of the Vigil client: health events and GOAWAYs, every frame released. */
    private static final class ClientLog extends ChannelInboundHandlerAdapter {
        final HealthLog health = new HealthLog();
        final List<String> goAways = new CopyOnWriteArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HealthEvent) {
                health.record(ctx.channel(), (HealthEvent) evt);
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                Http2GoAwayFrame goAway = (Http2GoAwayFrame) msg;
                goAways.add(goAway.errorCode() + " " + goAway.content().toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static Server grpcServer(boolean permitVigilsRate) throws Exception {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        if (permitVigilsRate) {
            // Allow a PING every second, also with no call open: Vigil's probes come every 1.5 s when answered.
            builder.permitKeepAliveTime(1, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
        }
        return builder.addService(ServerServiceDefinition.builder(EchoMethod.SERVICE)
                        .addMethod(EchoMethod.METHOD, ServerCalls.asyncUnaryCall((request, reply) -> {
                            reply.onNext(request);
                            reply.onCompleted();
                        }))
                        .build())
                .build().start();
    }

    private static Channel connect(EventLoopGroup group, int port, ClientLog log) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("h2", Http2FrameCodecBuilder.forClient().build()).addLast("log", log);
                        Http2KeepAlive.install(ch.pipeline(), POLICY);
                    }
                })
                .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
    }

    /** Stops the client's loop and the server, waiting at most 5 s for each. */
    private static void stop(EventLoopGroup group, Server server) throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void vigilsPingsAreAnsweredByAGrpcServerThatPermitsTheirRate() throws Exception {
        Server server = grpcServer(true);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ClientLog log = new ClientLog();
            Channel channel = connect(group, server.getPort(), log);
            PeerAlive first = log.health.awaitRtt(5_000);
            HealthLog.Seen second = log.health.await("a second answered probe", 5_000,
                    e -> e instanceof PeerAlive && e != first && ((PeerAlive) e).rtt().isPresent());
            System.out.printf("grpc-java server: PING RTT %.3f ms, then %.3f ms%n", first.rttNanos() / 1e6,
                    ((PeerAlive) second.event()).rttNanos() / 1e6);
            assertThat(first.rtt().orElseThrow()).isPositive().isLessThan(Duration.ofSeconds(1));
            assertThat(log.goAways).isEmpty();
            assertThat(channel.isActive()).isTrue();
            channel.close().sync();
        } finally {
            stop(group, server);
        }
    }

    @Test
    void withoutPermissionTheGrpcServerAnswersVigilsRateWithTooManyPings() throws Exception {
        Server server = grpcServer(false);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ClientLog log = new ClientLog();
            Channel channel = connect(group, server.getPort(), log);
            assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS)).as("closed by the server").isTrue();
            // ENHANCE_YOUR_CALM is HTTP/2 error code 11 (0xb).
            assertThat(log.goAways).contains("11 too_many_pings");
        } finally {
            stop(group, server);
        }
    }
}
