package io.vigil.examples.http2;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.HealthEvent;
import io.vigil.core.http2.Http2KeepAlive;
import io.vigil.core.policy.KeepAlivePolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * An HTTP/2 server (h2c, prior knowledge) whose connections Vigil watches: each one's pipeline is
 * <pre>
 *   socket → Http2FrameCodec → vigil.keepalive → Http2MultiplexHandler → EchoStream per stream
 *                                                                    → "health": events to the listener
 * </pre>
 * built by adding the codec and the multiplex handler, then one {@code Http2KeepAlive.install(pipeline, policy)}.
 * Run it with {@code java -cp ... io.vigil.examples.http2.Http2EchoServer [port]} and call it with a gRPC client (a
 * unary call to any method echoes the message) or {@code curl --http2-prior-knowledge}; it prints each connection's
 * health events.
 *
 * <p><b>Thread safety:</b> {@link #start} and {@link #close()} from any thread; the listener is called on the
 * connections' event loops.
 *
 * @since 0.1
 */
public final class Http2EchoServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel server;

    private Http2EchoServer(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /**
     * Starts a server on a loopback port.
     *
     * @param port the port, 0 for any free one
     * @param policy the keepalive policy of every connection
     * @param listener told of every connection's {@link HealthEvent}s, on its event loop
     * @return the running server
     * @throws InterruptedException if interrupted while binding
     */
    public static Http2EchoServer start(int port, KeepAlivePolicy policy, BiConsumer<Channel, HealthEvent> listener)
            throws InterruptedException {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(listener, "listener");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("h2", Http2FrameCodecBuilder.forServer().build())
                                    .addLast("streams", new Http2MultiplexHandler(new EchoStream.Initializer()))
                                    .addLast("health", new HealthEvents(listener));
                            Http2KeepAlive.install(ch.pipeline(), policy);
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
            return new Http2EchoServer(group, server);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Closes the server and its connections; waits at most 5 s. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Runs the server until the process is stopped, printing health events.
     *
     * @param args the port (default 8080)
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        KeepAlivePolicy policy = KeepAlivePolicy.deadWithin(Duration.ofSeconds(10));
        Http2EchoServer server = start(port, policy, (ch, evt) -> System.out.println(ch.remoteAddress() + " " + evt));
        System.out.println("HTTP/2 (h2c) on 127.0.0.1:" + server.port() + ", " + policy);
        server.server.closeFuture().sync();
    }

    /** Passes the connection's health events to the listener; releases the connection-level frames. */
    private static final class HealthEvents extends ChannelInboundHandlerAdapter {
        private final BiConsumer<Channel, HealthEvent> listener;

        HealthEvents(BiConsumer<Channel, HealthEvent> listener) {
            this.listener = listener;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HealthEvent) {
                listener.accept(ctx.channel(), (HealthEvent) evt);
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // SETTINGS, PING, GOAWAY: the codec has acted on them
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
