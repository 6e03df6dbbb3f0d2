package io.vigil.core.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.vigil.core.socket.KernelAccess;
import io.vigil.core.socket.KernelInspector;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeepAliveHandler} in the pipeline without a read path ({@link ReadPath#CODEC}): it passes every pipeline
 * event the keepalive handles (added, removed, registered, active, inactive, user events, exceptions) to the
 * keepalive it holds, and does not override {@code channelRead} or {@code channelReadComplete}, so Netty's
 * execution mask skips it for every inbound message. The codec feeds the keepalive instead ({@link CodecFeed},
 * {@link HealthFeed}). Timer, probes, events, verdict and close are the keepalive's own, from this handler's context.
 *
 * <p>Find the keepalive in a pipeline with {@link #keepAliveIn(ChannelPipeline)}: {@code pipeline.get(
 * KeepAliveHandler.class)} does not see it behind this handler.
 *
 * <p><b>Thread safety:</b> not {@code @Sharable}: one instance per channel, confined to its event loop, as the
 * keepalive it holds.
 *
 * @since 0.2
 */
public sealed class FedKeepAliveHandler extends ChannelInboundHandlerAdapter permits FedKeepAliveHandler.Refining {

    private final KeepAliveHandler keepAlive;

    /**
     * Creates the pipeline handler of a keepalive fed by its codec.
     *
     * @param keepAlive the keepalive, in no pipeline itself
     */
    public FedKeepAliveHandler(KeepAliveHandler keepAlive) {
        this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
    }

    /**
     * Returns the fed handler for a channel: this class where the tick reads the kernel's receipt of the latest data
     * ({@code TCP_INFO}: epoll, io_uring), so nothing on the read path reaches it; elsewhere (NIO) one that also takes
     * {@code channelReadComplete}, a hop per read batch (not per message), for the clock read that tightens the last
     * arrival's stamp (see {@link KeepAliveHandler#channelReadComplete}).
     *
     * @param keepAlive the keepalive, in no pipeline itself
     * @param channel the channel whose pipeline it goes into
     * @return the handler
     */
    public static FedKeepAliveHandler of(KeepAliveHandler keepAlive, Channel channel) {
        return KernelAccess.inspector(channel) == KernelInspector.NONE ? new Refining(keepAlive)
                : new FedKeepAliveHandler(keepAlive);
    }

    /**
     * Returns the keepalive this handler holds.
     *
     * @return the keepalive
     */
    public KeepAliveHandler keepAlive() {
        return keepAlive;
    }

    /**
     * Returns a pipeline's keepalive, whether it is in the pipeline itself or held by a {@link FedKeepAliveHandler}.
     *
     * @param pipeline the pipeline
     * @return the keepalive, or null if there is none
     */
    public static @Nullable KeepAliveHandler keepAliveIn(ChannelPipeline pipeline) {
        KeepAliveHandler own = pipeline.get(KeepAliveHandler.class);
        if (own != null) {
            return own;
        }
        FedKeepAliveHandler fed = pipeline.get(FedKeepAliveHandler.class);
        return fed == null ? null : fed.keepAlive;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        keepAlive.handlerAdded(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        keepAlive.handlerRemoved(ctx);
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        keepAlive.channelRegistered(ctx);
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) throws Exception {
        keepAlive.channelUnregistered(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        keepAlive.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        keepAlive.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        keepAlive.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        keepAlive.exceptionCaught(ctx, cause);
    }

    /** The fed handler for channels without the kernel's receipt: it passes each read batch's end on. */
    static final class Refining extends FedKeepAliveHandler {

        Refining(KeepAliveHandler keepAlive) {
            super(keepAlive);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            keepAlive().channelReadComplete(ctx);
        }
    }

    @Override
    public String toString() {
        return "FedKeepAliveHandler(" + keepAlive + ")";
    }
}
