package io.vigil.epoll.netns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.KernelOptionsApplied;
import io.vigil.core.event.PeerDead;
import io.vigil.core.kernel.KernelOptionsReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The application end of a test connection, last in its pipeline. It speaks {@link PeerMain}'s echo rule (a
 * payload starting with {@code 'E'} is echoed with {@code 'e'}; an {@code 'e'} payload is an echo and ends a round
 * trip) and captures the health events with {@link System#nanoTime()} stamps.
 *
 * <p><b>Thread safety:</b> written on the event loop, read by the test thread through futures and synchronized
 * accessors.
 */
final class Watch extends ChannelInboundHandlerAdapter {

    /** A value and when it arrived, {@link System#nanoTime()}. */
    record Stamped<T>(long nanos, T value) {
    }

    final CompletableFuture<Stamped<PeerDead>> dead = new CompletableFuture<>();
    final CompletableFuture<KernelOptionsReport> options = new CompletableFuture<>();
    final CompletableFuture<Long> echoed = new CompletableFuture<>();
    final CompletableFuture<Long> closed = new CompletableFuture<>();
    private final List<Throwable> exceptions = new ArrayList<>();
    private CompletableFuture<Long> echo = new CompletableFuture<>();

    /**
     * Returns a future completed with the arrival time of the next echo.
     *
     * @return the future
     */
    synchronized CompletableFuture<Long> nextEcho() {
        echo = new CompletableFuture<>();
        return echo;
    }

    synchronized List<Throwable> exceptions() {
        return new ArrayList<>(exceptions);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = System.nanoTime();
        try {
            if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
                ByteBuf in = (ByteBuf) msg;
                byte first = in.getByte(in.readerIndex());
                if (first == 'E') {
                    ByteBuf reply = in.retainedDuplicate();
                    reply.setByte(reply.readerIndex(), 'e');
                    ctx.writeAndFlush(reply);
                    echoed.complete(now);
                } else if (first == 'e') {
                    synchronized (this) {
                        echo.complete(now);
                    }
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        long now = System.nanoTime();
        if (evt instanceof PeerDead) {
            dead.complete(new Stamped<>(now, (PeerDead) evt));
        } else if (evt instanceof KernelOptionsApplied) {
            options.complete(((KernelOptionsApplied) evt).report());
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public synchronized void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exceptions.add(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed.complete(System.nanoTime());
        ctx.fireChannelInactive();
    }
}
