package io.vigil.core.lifecycle;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.websocket.WebSocketKeepAlive;
import io.vigil.core.websocket.WebSocketProber;

/**
 * Polices a WebSocket peer's pings (see {@link PingPolicingHandler}); pongs never count. Too many pings end the
 * connection with a close frame, status 1008 (policy violation) and reason {@code too_many_pings}, then a close. Put
 * it after the keepalive handler, before the protocol handler that answers pings, once the handshake is done;
 * {@link #install} does both, and with {@code WebSocketKeepAlive.server(..)}, {@code client(..)} or {@code arm(..)}
 * the handler is put in place with the keepalive handler when the handshake completes:
 *
 * <pre>
 *  socket → wsencoder/wsdecoder → vigil.keepalive → vigil.pingPolicing → vigil.websocketProtocol → app
 * </pre>
 * <pre>{@code
 * WebSocketKeepAlive.server(ch.pipeline(), config, keepAlivePolicy, recorder);
 * WebSocketPingPolicingHandler.install(ch.pipeline(), PingRatePolicy.defaults(), recorder);
 * }</pre>
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

    /**
     * Installs policing right after the WebSocket keepalive handler: at once if it is armed, otherwise when it arms
     * after the handshake ({@link WebSocketKeepAlive#addAfterKeepAlive}). Call it where the pipeline is built, after
     * {@code WebSocketKeepAlive.server(..)}, {@code client(..)} or {@code arm(..)}.
     *
     * @param pipeline the channel's pipeline
     * @param policy the ping-rate rules
     * @param recorder receives strikes and closes
     * @return the handler, named {@link VigilPipeline#PING_POLICING}, in the pipeline once the handshake completed
     * @throws IllegalStateException if the pipeline has no WebSocket keepalive, armed or waiting
     */
    public static WebSocketPingPolicingHandler install(ChannelPipeline pipeline, PingRatePolicy policy,
                                                       HealthRecorder recorder) {
        WebSocketPingPolicingHandler handler = new WebSocketPingPolicingHandler(policy, recorder);
        WebSocketKeepAlive.addAfterKeepAlive(pipeline, VigilPipeline.PING_POLICING, handler);
        return handler;
    }

    /** A close frame 1008 {@code too_many_pings}, then the close. */
    @Override
    protected void tooManyPings(ChannelHandlerContext ctx, TooManyPings event) {
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION.code(), TooManyPings.REASON))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
