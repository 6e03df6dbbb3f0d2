package io.vigil.core.probe;

import io.netty.channel.ChannelHandlerContext;

/**
 * Answers a heartbeat {@code PING} with a {@code PONG} carrying the same id, and drops a {@code PONG} that reached
 * it: one that answers none of this side's outstanding probes (the keepalive handler consumes those), which is
 * protocol traffic the application never sees.
 *
 * <p><b>Thread safety:</b> stateless; one {@link #INSTANCE} serves every channel.
 *
 * @since 0.1
 */
public final class HeartbeatResponder implements ProbeResponder {

    /** The only instance. */
    public static final HeartbeatResponder INSTANCE = new HeartbeatResponder();

    private HeartbeatResponder() {
    }

    /**
     * Returns a handler that answers heartbeats.
     *
     * @return a sharable handler
     */
    public static ProbeResponderHandler handler() {
        return new ProbeResponderHandler(INSTANCE);
    }

    @Override
    public boolean answer(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HeartbeatFrame && ((HeartbeatFrame) msg).isPing()) {
            ctx.writeAndFlush(HeartbeatFrame.pong(((HeartbeatFrame) msg).id()), ctx.voidPromise());
            return true;
        }
        if (msg instanceof HeartbeatFrame) {
            return true;
        }
        return false;
    }
}
