package io.vigil.examples.demo.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A TCP relay on the loopback address that forwards both ways until {@link #vanish()}, then silently drops both
 * directions while keeping every socket open: the stand-in for a vanished peer where network namespaces cannot be
 * made (no root). It fools the application layer only: the relay's own kernel still answers the kernel's keepalive
 * probes, so kernel keepalive cannot see through it.
 *
 * <p><b>Thread safety:</b> thread-safe; the relay's channels run on the given group.
 */
public final class DropRelay implements AutoCloseable {

    private final Channel listener;
    private volatile boolean dropping;

    private DropRelay(Channel listener) {
        this.listener = listener;
    }

    /**
     * Starts relaying from an ephemeral loopback port to a target.
     *
     * @param group the event loops
     * @param serverClass the transport's server channel class
     * @param clientClass the transport's client channel class
     * @param target where every accepted connection is relayed to
     * @return the running relay
     * @throws InterruptedException if interrupted while binding
     */
    public static DropRelay start(EventLoopGroup group, Class<? extends ServerChannel> serverClass,
                                  Class<? extends Channel> clientClass, SocketAddress target)
            throws InterruptedException {
        DropRelay[] self = new DropRelay[1];
        Channel listener = new ServerBootstrap().group(group).channel(serverClass)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel front) {
                        Channel back = new Bootstrap().group(front.eventLoop()).channel(clientClass)
                                .handler(self[0].new Forward(front)).connect(target).channel();
                        front.pipeline().addLast(self[0].new Forward(back));
                        back.closeFuture().addListener(f -> front.close());
                        front.closeFuture().addListener(f -> back.close());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        self[0] = new DropRelay(listener);
        return self[0];
    }

    /**
     * Returns the address to connect to instead of the target.
     *
     * @return a loopback address
     */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** From now on, drops everything in both directions; the sockets stay open. */
    public void vanish() {
        dropping = true;
    }

    /** Stops listening; relayed connections close with the group. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
    }

    /** Forwards what one side reads to the other side, or drops it once the relay has vanished. */
    private final class Forward extends ChannelInboundHandlerAdapter {
        private final Channel to;

        Forward(Channel to) {
            this.to = to;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // The front connection waits (auto-read off) until the back one is up; then both read.
            if (!to.config().isAutoRead()) {
                to.config().setAutoRead(true);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (dropping || !to.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            to.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
