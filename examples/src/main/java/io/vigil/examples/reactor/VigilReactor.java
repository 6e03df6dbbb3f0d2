package io.vigil.examples.reactor;

import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.vigil.core.VigilPipeline;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.socket.SocketKeepAlive;
import java.net.SocketAddress;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.netty.ConnectionObserver;
import reactor.netty.transport.ServerTransport;

/**
 * Vigil's kernel layer on a Reactor Netty server: the options as {@code childOption}s of the transport Reactor
 * Netty picks (epoll where available, as with its default {@code preferNative}; NIO otherwise), and a report-only
 * handler first in each connection's pipeline ({@code doOnChannelInit}) that reads them back and publishes the
 * report. A policy the kernel cannot carry is rejected by the constructor, before any socket exists.
 *
 * <pre>{@code
 * VigilReactor vigil = new VigilReactor(policy, recorder);
 * HttpServer server = vigil.kernelOptions(HttpServer.create()).doOnChannelInit(vigil::reportKernelOptions);
 * }</pre>
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 *
 * @since 0.1
 */
public final class VigilReactor {

    private final SocketKeepAlive kernel;
    private final Map<io.netty.channel.ChannelOption<Object>, Object> options;

    /**
     * Validates the policy's kernel half and names its options for the transport Reactor Netty will use.
     *
     * @param policy the policy
     * @param recorder receives each connection's kernel report
     * @throws IllegalArgumentException if the kernel cannot carry the policy
     */
    public VigilReactor(KeepAlivePolicy policy, HealthRecorder recorder) {
        this.kernel = SocketKeepAlive.builder(policy).recorder(recorder).build();
        this.options = kernel.channelOptions(transport());
    }

    /** The server channel class Reactor Netty's default loop resources use. */
    private static Class<? extends ServerChannel> transport() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * Adds the options to a server as child options.
     *
     * @param server a Reactor Netty server ({@code TcpServer}, {@code HttpServer})
     * @param <S> the server type
     * @return the configured server
     */
    public <S extends ServerTransport<S, ?>> S kernelOptions(S server) {
        S s = server;
        for (Map.Entry<io.netty.channel.ChannelOption<Object>, Object> e : options.entrySet()) {
            s = s.childOption(e.getKey(), e.getValue());
        }
        return s;
    }

    /**
     * Puts the report-only handler first in a new connection's pipeline; pass as {@code doOnChannelInit}.
     *
     * @param observer unused
     * @param channel the connection's channel
     * @param remote unused
     */
    public void reportKernelOptions(ConnectionObserver observer, Channel channel, @Nullable SocketAddress remote) {
        channel.pipeline().addFirst(VigilPipeline.SOCKET_KEEPALIVE, kernel.newReportHandler());
    }
}
