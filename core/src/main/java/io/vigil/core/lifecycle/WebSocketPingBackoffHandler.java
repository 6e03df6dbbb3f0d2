package io.vigil.core.lifecycle;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.websocket.WebSocketKeepAlive;
import io.vigil.core.websocket.WebSocketProber;

/**
 * A WebSocket client's back-off (see {@link PingBackoffHandler}): the protocol's equivalent of
 * {@code too_many_pings} is a close frame whose reason is {@code too_many_pings} (what
 * {@link WebSocketPingPolicingHandler} sends). Put it after the keepalive handler, before the protocol handler;
 * {@link #install} does it, with the keepalive handler when the handshake completes:
 *
 * <pre>{@code
 * WebSocketKeepAlive.client(ch.pipeline(), config, keepAlivePolicy, recorder);
 * WebSocketPingBackoffHandler.install(ch.pipeline(), recorder);
 * }</pre>
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

    /**
     * Installs the back-off right after the WebSocket keepalive handler, with the process-wide table: at once if it
     * is armed, otherwise when it arms after the handshake ({@link WebSocketKeepAlive#addAfterKeepAlive}); the idle
     * time backed off for the server's address applies from then on.
     *
     * @param pipeline the channel's pipeline, after {@code WebSocketKeepAlive.client(..)} or {@code arm(..)}
     * @param recorder receives the back-offs
     * @return the handler, named {@link VigilPipeline#PING_BACKOFF}, in the pipeline once the handshake completed
     * @throws IllegalStateException if the pipeline has no WebSocket keepalive, armed or waiting
     */
    public static WebSocketPingBackoffHandler install(ChannelPipeline pipeline, HealthRecorder recorder) {
        WebSocketPingBackoffHandler handler = new WebSocketPingBackoffHandler(PingBackoffTable.shared(), recorder);
        WebSocketKeepAlive.addAfterKeepAlive(pipeline, VigilPipeline.PING_BACKOFF, handler);
        return handler;
    }

    @Override
    protected boolean isTooManyPings(Object msg) {
        return msg instanceof CloseWebSocketFrame
                && TooManyPings.REASON.equals(((CloseWebSocketFrame) msg).reasonText());
    }
}
