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
     * Returns a handler that answers heartbeats, for one channel.
     *
     * @return a new handler
     */
    public static ProbeResponderHandler handler() {
        return new ProbeResponderHandler(INSTANCE);
    }

    @Override
    public String protocol() {
        return HeartbeatProber.PROTOCOL;
    }

    @Override
    public boolean isProbe(Object msg) {
        return msg instanceof HeartbeatFrame && ((HeartbeatFrame) msg).isPing();
    }

    @Override
    public Object replyTo(Object probe) {
        return HeartbeatFrame.pong(((HeartbeatFrame) probe).id());
    }

    /** A {@code PONG} that reached the responder answered none of this side's probes: protocol traffic, dropped. */
    @Override
    public boolean isDroppedControl(Object msg) {
        return msg instanceof HeartbeatFrame;
    }
}
