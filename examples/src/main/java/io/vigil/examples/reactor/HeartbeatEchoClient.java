package io.vigil.examples.reactor;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vigil.core.handler.HeartbeatKeepAlive;
import io.vigil.core.policy.KeepAlivePolicy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain Netty client that speaks Vigil's heartbeat protocol ({@link HeartbeatKeepAlive#install}): it answers the
 * server's probes and probes the server in turn, and sends and receives lines of text as payloads.
 *
 * <p><b>Thread safety:</b> {@link #echo} and {@link #close} may be called from any thread, one call at a time.
 *
 * @since 0.1
 */
public final class HeartbeatEchoClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final BlockingQueue<String> received;

    private HeartbeatEchoClient(EventLoopGroup group, Channel channel, BlockingQueue<String> received) {
        this.group = group;
        this.channel = channel;
        this.received = received;
    }

    /**
     * Connects to a heartbeat server on loopback.
     *
     * @param port the server's port
     * @param policy the client's keepalive policy
     * @return the connected client
     * @throws InterruptedException if interrupted while connecting
     */
    public static HeartbeatEchoClient connect(int port, KeepAlivePolicy policy) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try {
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel c) {
                            HeartbeatKeepAlive.install(c.pipeline(), policy);
                            c.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    received.add(msg.toString(StandardCharsets.UTF_8));
                                }
                            });
                        }
                    }).connect("127.0.0.1", port).sync().channel();
            return new HeartbeatEchoClient(group, ch, received);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Sends a line and waits for the next one to come back.
     *
     * @param line the text
     * @return the text received
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if nothing comes back within 10 s
     */
    public String echo(String line) throws InterruptedException {
        channel.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8));
        String back = received.poll(10, TimeUnit.SECONDS);
        if (back == null) {
            throw new IllegalStateException("no echo within 10 s");
        }
        return back;
    }

    /** Closes the connection and its event loop, waiting at most 15 s. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
