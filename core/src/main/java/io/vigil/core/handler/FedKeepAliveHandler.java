package io.vigil.core.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
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
public final class FedKeepAliveHandler extends ChannelInboundHandlerAdapter {

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

    @Override
    public String toString() {
        return "FedKeepAliveHandler(" + keepAlive + ")";
    }
}
