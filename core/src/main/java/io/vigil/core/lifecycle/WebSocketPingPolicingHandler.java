package io.vigil.core.lifecycle;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.websocket.WebSocketProber;

/**
 * Polices a WebSocket peer's pings (see {@link PingPolicingHandler}); pongs never count. Too many pings end the
 * connection with a close frame, status 1008 (policy violation) and reason {@code too_many_pings}, then a close. Put
 * it after the keepalive handler, before the protocol handler that answers pings, once the handshake is done:
 *
 * <pre>
 *  socket → wsencoder/wsdecoder → vigil.keepalive → vigil.pingPolicing → vigil.websocketProtocol → app
 * </pre>
 *
 * <p><b>Thread safety:</b> as {@link PingPolicingHandler}.
 *
 * @since 0.2
 */
public class WebSocketPingPolicingHandler extends PingPolicingHandler {

    /**
     * Creates a policing handler for a WebSocket pipeline (after the handshake).
     *
     * @param policy the ping-rate rules
     * @param recorder receives strikes and closes
     */
    public WebSocketPingPolicingHandler(PingRatePolicy policy, HealthRecorder recorder) {
        super(policy, WebSocketProber.INSTANCE, recorder);
    }

    /** A close frame 1008 {@code too_many_pings}, then the close. */
    @Override
    protected void tooManyPings(ChannelHandlerContext ctx, TooManyPings event) {
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION.code(), TooManyPings.REASON))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
