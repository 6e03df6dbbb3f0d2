package io.vigil.examples.websocket;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.HealthEvent;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.socket.SocketKeepAlive;
import io.vigil.core.websocket.WebSocketKeepAlive;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A WebSocket echo server on {@code /ws} with both of Vigil's layers: the kernel's keepalive on every accepted
 * socket and WebSocket pings with an id once the handshake has completed. Text frames are echoed.
 *
 * <p>{@link #main} starts it, connects the JDK's own WebSocket client (which answers pings by itself), waits for
 * Vigil's first answered ping and prints its round-trip time.
 *
 * <p><b>Thread safety:</b> {@link #start} and {@link #close} may be called from any thread; the listener is called
 * on the connections' event loops.
 *
 * @since 0.1
 */
public final class WebSocketEchoServer implements AutoCloseable {

    /** The path clients upgrade on: {@value}. */
    public static final String PATH = "/ws";

    private final EventLoopGroup group;
    private final Channel server;

    private WebSocketEchoServer(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /**
     * Starts the server on loopback, on epoll where available, otherwise NIO.
     *
     * @param policy the keepalive policy of both layers
     * @param port the port, 0 for any free one
     * @param listener receives every health event with its channel, on the channel's event loop
     * @return the running server
     * @throws InterruptedException if interrupted while binding
     */
    public static WebSocketEchoServer start(KeepAlivePolicy policy, int port,
                                            BiConsumer<Channel, HealthEvent> listener) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder().websocketPath(PATH).build();
        ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65_536));
                        WebSocketKeepAlive.server(ch.pipeline(), config, policy);
                        ch.pipeline().addLast("echo", new Echo(listener));
                    }
                });
        SocketKeepAlive.of(policy).configure(bootstrap);
        Channel server = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync()
                .channel();
        return new WebSocketEchoServer(group, server);
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Returns the WebSocket URI of the server.
     *
     * @return {@code ws://127.0.0.1:port/ws}
     */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port() + PATH);
    }

    /** Closes the listening socket and the connections, waiting at most 15 s. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /**
     * Starts the server, connects the JDK's WebSocket client and prints the RTT of Vigil's first answered ping.
     *
     * @param args ignored
     * @throws Exception if the server cannot start or no ping is answered within 10 s
     */
    public static void main(String[] args) throws Exception {
        KeepAlivePolicy policy = KeepAlivePolicy.builder().idle(Duration.ofSeconds(1))
                .interval(Duration.ofSeconds(1)).probes(2).build();
        CompletableFuture<PeerAlive> answered = new CompletableFuture<>();
        try (WebSocketEchoServer server = start(policy, 0, (ch, event) -> {
            if (event instanceof PeerAlive && ((PeerAlive) event).rttNanos() >= 0) {
                answered.complete((PeerAlive) event);
            }
        })) {
            System.out.println("WebSocket server with Vigil on " + server.uri() + " (" + policy + ")");
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(server.uri(), new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
            PeerAlive alive = answered.get(10, TimeUnit.SECONDS);
            System.out.printf("The JDK's WebSocket client answered Vigil's ping: round trip %d us%n",
                    alive.rttNanos() / 1_000);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        }
    }

    /** Echoes text frames and hands the health events to the listener. */
    private static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final BiConsumer<Channel, HealthEvent> listener;

        Echo(BiConsumer<Channel, HealthEvent> listener) {
            this.listener = listener;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(frame.retainedDuplicate());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HealthEvent) {
                listener.accept(ctx.channel(), (HealthEvent) evt);
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // DeadPeerException after a PeerDead the listener has already seen, or an I/O error: close.
            ctx.close();
        }
    }
}
