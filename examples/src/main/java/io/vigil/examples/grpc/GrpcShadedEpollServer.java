package io.vigil.examples.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollChannelOption;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelKeepAlive;
import io.vigil.core.socket.SocketKeepAlive;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A grpc-java server from {@code grpc-netty-shaded} on epoll with Vigil's kernel options on every accepted socket,
 * through the builder's supported API, {@code withChildOption}.
 *
 * <p>What cannot be done with the shaded artifact: it carries its own relocated copy of Netty
 * ({@code io.grpc.netty.shaded.io.netty}), so Vigil's handlers and {@code ChannelOption} map (made of Netty's real
 * types) cannot go into it. The options are set with the shaded {@code EpollChannelOption} constants and the values
 * Vigil validated ({@link SocketKeepAlive#kernel()}); nothing reads them back in-process (the test reads the socket's
 * keepalive timer from {@code /proc/net/tcp}), and there is no userspace layer: grpc's own
 * {@code keepAliveTime}/{@code keepAliveTimeout} pings are the application-level probe there.
 *
 * <p><b>Thread safety:</b> {@link #start} and {@link #close} may be called from any thread.
 *
 * @since 0.1
 */
public final class GrpcShadedEpollServer extends GrpcExampleServer {

    private GrpcShadedEpollServer(Server server, EventLoopGroup group) {
        super(server, () -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS));
    }

    /**
     * Starts the echo service on loopback, on a free port, on (shaded) epoll.
     *
     * @param policy the keepalive policy whose kernel half every accepted socket gets; validated here, before any
     *        socket exists
     * @return the running server
     * @throws IOException if the server cannot bind
     * @throws IllegalStateException if epoll is not available
     */
    public static GrpcShadedEpollServer start(KeepAlivePolicy policy) throws IOException {
        KernelKeepAlive kernel = SocketKeepAlive.of(policy).kernel();
        Epoll.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .channelType(EpollServerSocketChannel.class)
                    .bossEventLoopGroup(group).workerEventLoopGroup(group)
                    .withChildOption(EpollChannelOption.TCP_KEEPIDLE, kernel.idleSeconds())
                    .withChildOption(EpollChannelOption.TCP_KEEPINTVL, kernel.intervalSeconds())
                    .withChildOption(EpollChannelOption.TCP_KEEPCNT, kernel.probes())
                    .withChildOption(EpollChannelOption.TCP_USER_TIMEOUT, kernel.userTimeoutMillis())
                    .withChildOption(ChannelOption.SO_KEEPALIVE, true)
                    .addService(EchoService.definition())
                    .build().start();
            return new GrpcShadedEpollServer(server, group);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * {@inheritDoc} Here: the shaded client.
     */
    @Override
    public ManagedChannel newChannel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
    }

    /**
     * Starts the server, makes one call with the shaded client and prints the answer.
     *
     * @param args ignored
     * @throws Exception if the server cannot start or the call fails
     */
    public static void main(String[] args) throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(Duration.ofSeconds(30));
        try (GrpcShadedEpollServer server = start(policy)) {
            System.out.println("grpc-netty-shaded server on epoll, kernel options " + SocketKeepAlive.of(policy)
                    + ", on 127.0.0.1:" + server.port());
            server.callOnce("hello through grpc-netty-shaded");
        }
    }
}
