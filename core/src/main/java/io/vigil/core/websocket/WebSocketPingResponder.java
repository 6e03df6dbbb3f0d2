package io.vigil.core.websocket;

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
     * Returns a handler that answers pings, for one channel.
     *
     * @return a new handler
     */
    public static ProbeResponderHandler handler() {
        return new ProbeResponderHandler(INSTANCE);
    }

    @Override
    public String protocol() {
        return WebSocketProber.PROTOCOL;
    }

    @Override
    public boolean isProbe(Object msg) {
        return msg instanceof PingWebSocketFrame;
    }

    /** The pong carries the ping's payload: a retained view of it, since the caller releases the ping. */
    @Override
    public Object replyTo(Object probe) {
        return new PongWebSocketFrame(((PingWebSocketFrame) probe).content().retainedDuplicate());
    }
}
