package io.vigil.core.probe;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

/**
 * Probes with a heartbeat {@code PING} and recognises the {@code PONG}. Needs {@link HeartbeatCodec} in the
 * pipeline, before {@code KeepAliveHandler}.
 *
 * <p><b>Thread safety:</b> stateless; one {@link #INSTANCE} serves every channel.
 *
 * @since 0.1
 */
public final class HeartbeatProber implements Prober {

    /** The only instance. */
    public static final HeartbeatProber INSTANCE = new HeartbeatProber();

    /** The protocol name: {@value}. */
    public static final String PROTOCOL = "heartbeat";

    private HeartbeatProber() {
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public ChannelFuture sendProbe(ChannelHandlerContext ctx, long id) {
        return ctx.writeAndFlush(HeartbeatFrame.ping(id));
    }

    @Override
    public boolean isReply(Object msg) {
        return msg instanceof HeartbeatFrame && !((HeartbeatFrame) msg).isPing();
    }

    @Override
    public long replyId(Object reply) {
        return ((HeartbeatFrame) reply).id();
    }

    @Override
    public boolean isPeerProbe(Object msg) {
        return msg instanceof HeartbeatFrame && ((HeartbeatFrame) msg).isPing();
    }
}
