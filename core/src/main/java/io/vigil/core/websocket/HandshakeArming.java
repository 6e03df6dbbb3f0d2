package io.vigil.core.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.vigil.core.handler.KeepAliveHandler;

/**
 * Waits for the WebSocket handshake to complete, then puts the keepalive handler in place
 * ({@link WebSocketKeepAlive#place}) and removes itself; the handshake event goes on to the application. Until then
 * the pipeline speaks HTTP and no probe is sent.
 *
 * <p><b>Thread safety:</b> one instance per channel, confined to its event loop.
 */
final class HandshakeArming extends ChannelInboundHandlerAdapter {

    private final KeepAliveHandler keepAlive;

    HandshakeArming(KeepAliveHandler keepAlive) {
        this.keepAlive = keepAlive;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeComplete || evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            WebSocketKeepAlive.place(ctx.pipeline(), keepAlive);
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
