package io.vigil.core.lifecycle;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.websocket.WebSocketProber;

/**
 * A WebSocket client's back-off (see {@link PingBackoffHandler}): the protocol's equivalent of
 * {@code too_many_pings} is a close frame whose reason is {@code too_many_pings} (what
 * {@link WebSocketPingPolicingHandler} sends). Put it after the keepalive handler, before the protocol handler.
 *
 * <p><b>Thread safety:</b> as {@link PingBackoffHandler}.
 *
 * @since 0.2
 */
public class WebSocketPingBackoffHandler extends PingBackoffHandler {

    /**
     * Creates a handler.
     *
     * @param table where backed-off idle times are kept, usually {@link PingBackoffTable#shared()}
     * @param recorder receives the back-offs
     */
    public WebSocketPingBackoffHandler(PingBackoffTable table, HealthRecorder recorder) {
        super(table, WebSocketProber.PROTOCOL, recorder);
    }

    @Override
    protected boolean isTooManyPings(Object msg) {
        return msg instanceof CloseWebSocketFrame
                && TooManyPings.REASON.equals(((CloseWebSocketFrame) msg).reasonText());
    }
}
