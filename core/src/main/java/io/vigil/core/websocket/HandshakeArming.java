package io.vigil.core.websocket;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.vigil.core.VigilPipeline;
import io.vigil.core.handler.KeepAliveHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Waits for the WebSocket handshake to complete, then puts the keepalive handler in place
 * ({@link WebSocketKeepAlive#place}), right after it the handlers given to
 * {@link WebSocketKeepAlive#addAfterKeepAlive} meanwhile (ping policing, back-off) in the order given, and removes
 * itself; the handshake event goes on to the application. Until then the pipeline speaks HTTP and no probe is
 * sent.
 *
 * <p><b>Thread safety:</b> one instance per channel, confined to its event loop.
 */
final class HandshakeArming extends ChannelInboundHandlerAdapter {

    private final KeepAliveHandler keepAlive;
    private final List<Map.Entry<String, ChannelHandler>> after = new ArrayList<>(2);

    HandshakeArming(KeepAliveHandler keepAlive) {
        this.keepAlive = keepAlive;
    }

    /** Adds {@code handler} after the keepalive handler (and those added before it) when the handshake completes. */
    void addAfterKeepAlive(String name, ChannelHandler handler) {
        after.add(Map.entry(name, handler));
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeComplete || evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            WebSocketKeepAlive.place(ctx.pipeline(), keepAlive);
            String previous = VigilPipeline.KEEPALIVE;
            for (Map.Entry<String, ChannelHandler> e : after) {
                ctx.pipeline().addAfter(previous, e.getKey(), e.getValue());
                previous = e.getKey();
            }
            after.clear();
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
