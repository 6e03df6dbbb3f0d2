package io.vigil.examples.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.socket.SocketKeepAlive;
import io.vigil.examples.metrics.PrintingRecorder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A grpc-java server from (unshaded) {@code grpc-netty} on epoll with Vigil's kernel layer, through the builder's
 * supported API: the options from {@link SocketKeepAlive#channelOptions} go in with {@code withChildOption}, and the
 * server channel made by {@code channelFactory} carries {@link SocketKeepAlive#childReporter()}, which puts a
 * report-only handler first in every accepted child, so each socket's options are read back and reported.
 *
 * <p>What cannot be done through a supported API: Vigil's userspace layer inside grpc's server pipeline. grpc's
 * HTTP/2 handler is an {@code Http2ConnectionHandler} with a frame listener (nothing is passed down the pipeline for a
 * {@code KeepAliveHandler} to see), and the hook that would let us place handlers around it,
 * {@code NettyServerBuilder.protocolNegotiator}, takes a package-private type reachable only through grpc's
 * {@code Internal*} classes. grpc's own {@code keepAliveTime}/{@code keepAliveTimeout} are the application-level
 * probe here.
 *
 * <p><b>Thread safety:</b> {@link #start} and {@link #close} may be called from any thread.
 *
 * @since 0.1
 */
public final class GrpcNettyEpollServer extends GrpcExampleServer {

    private final EventLoopGroup group;

    private GrpcNettyEpollServer(Server server, EventLoopGroup group) {
        super(server, () -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS));
        this.group = group;
    }

    /**
     * Starts the echo service on loopback, on a free port, on epoll.
     *
     * @param policy the keepalive policy whose kernel half every accepted socket gets; validated here, before any
     *        socket exists
     * @param recorder receives each accepted socket's kernel report
     * @return the running server
     * @throws IOException if the server cannot bind
     * @throws UnsatisfiedLinkError if epoll is not available
     */
    public static GrpcNettyEpollServer start(KeepAlivePolicy policy, HealthRecorder recorder) throws IOException {
        SocketKeepAlive kernel = SocketKeepAlive.builder(policy).recorder(recorder).build();
        Epoll.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .channelFactory(() -> {
                        EpollServerSocketChannel server = new EpollServerSocketChannel();
                        server.pipeline().addLast(kernel.childReporter());
                        return server;
                    })
                    .bossEventLoopGroup(group).workerEventLoopGroup(group)
                    .addService(EchoService.definition());
            kernel.channelOptions(EpollServerSocketChannel.class).forEach(builder::withChildOption);
            return new GrpcNettyEpollServer(builder.build().start(), group);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * {@inheritDoc} Here: grpc-netty's client, on the server's epoll loop.
     */
    @Override
    public ManagedChannel newChannel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", port()).eventLoopGroup(group)
                .channelType(EpollSocketChannel.class).usePlaintext().build();
    }

    /**
     * Starts the server, makes one call and prints the answer and the kernel report.
     *
     * @param args ignored
     * @throws Exception if the server cannot start or the call fails
     */
    public static void main(String[] args) throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(Duration.ofSeconds(30));
        try (GrpcNettyEpollServer server = start(policy, new PrintingRecorder())) {
            System.out.println("grpc-netty server on epoll with Vigil's kernel layer on 127.0.0.1:" + server.port());
            server.callOnce("hello through grpc-netty");
        }
    }
}
