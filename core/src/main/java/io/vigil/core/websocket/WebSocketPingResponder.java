package io.vigil.core.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.vigil.core.probe.ProbeResponder;
import io.vigil.core.probe.ProbeResponderHandler;

/**
 * Answers the peer's ping with a pong carrying the same payload, for pipelines that have the WebSocket frame codec
 * but no {@code WebSocketServerProtocolHandler} or {@code WebSocketClientProtocolHandler} (which answer pings
 * themselves). Pongs and every other frame pass on untouched.
 *
 * <p><b>Thread safety:</b> stateless; one {@link #INSTANCE} serves every channel.
 *
 * @since 0.1
 */
public final class WebSocketPingResponder implements ProbeResponder {

    /** The only instance. */
    public static final WebSocketPingResponder INSTANCE = new WebSocketPingResponder();

    private WebSocketPingResponder() {
    }

    /**
     * Returns a handler that answers pings.
     *
     * @return a sharable handler
     */
    public static ProbeResponderHandler handler() {
        return new ProbeResponderHandler(INSTANCE);
    }

    @Override
    public boolean answer(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PingWebSocketFrame) {
            // The pong takes over the ping's payload (and its reference): nothing to release here.
            ctx.writeAndFlush(new PongWebSocketFrame(((PingWebSocketFrame) msg).content()), ctx.voidPromise());
            return true;
        }
        return false;
    }
}
