package io.vigil.core.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.vigil.core.probe.Prober;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Probes with a WebSocket ping frame whose payload is the probe's 8-byte id (big-endian), and recognises the pong
 * that echoes it (RFC 6455 §5.5.3: a pong carries the ping's payload). Only a pong whose id is that of an
 * outstanding probe is consumed by {@code KeepAliveHandler}; any other pong (the application's own pings' answers,
 * an unsolicited heartbeat pong) passes on, and any inbound frame proves the peer alive.
 *
 * <p>Needs the WebSocket frame codec in the pipeline before the keepalive handler, that is, a completed handshake;
 * and the keepalive handler must see pongs, which a {@code WebSocketServerProtocolHandler} or
 * {@code WebSocketClientProtocolHandler} drops by default ({@code dropPongFrames}). {@link WebSocketKeepAlive} takes
 * care of both; a keepalive handler placed after a protocol handler is refused at its first probe (see
 * {@link #sendProbe}).
 *
 * <p><b>Thread safety:</b> stateless; one {@link #INSTANCE} serves every channel.
 *
 * @since 0.1
 */
public final class WebSocketProber implements Prober {

    /** The only instance. */
    public static final WebSocketProber INSTANCE = new WebSocketProber();

    /** The protocol name, a metrics tag: {@value}. */
    public static final String PROTOCOL = "websocket";

    /** The length of a probe's payload, the id, in bytes: {@value}. */
    public static final int ID_LENGTH = Long.BYTES;

    private WebSocketProber() {
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Refuses, with a failed future that stops probing ({@code ProbeSetupException}, no verdict), a keepalive
     * handler placed after a {@code WebSocketServerProtocolHandler} or {@code WebSocketClientProtocolHandler}: those
     * drop pong frames unless configured with {@code dropPongFrames(false)}, which Vigil cannot read, and a handler
     * that never sees a pong would declare dead a peer that answers every ping.
     */
    @Override
    public ChannelFuture sendProbe(ChannelHandlerContext ctx, long id) {
        String protocolHandler = protocolHandlerBefore(ctx);
        if (protocolHandler != null) {
            return ctx.newFailedFuture(new UnsupportedOperationException("the keepalive handler '" + ctx.name()
                    + "' sits after the WebSocket protocol handler '" + protocolHandler + "', which drops pong frames"
                    + " unless its config says dropPongFrames(false) (Netty's default is true), so replies to its"
                    + " pings may never reach it and a healthy peer would be declared dead. Put the keepalive handler"
                    + " before the protocol handler, as WebSocketKeepAlive.server(..)/client(..)/arm(..) do"));
        }
        ByteBuf payload = ctx.alloc().buffer(ID_LENGTH).writeLong(id);
        return ctx.writeAndFlush(new PingWebSocketFrame(payload));
    }

    /** The name of a WebSocket protocol handler between the pipeline's head and {@code ctx}, or null. */
    private static @Nullable String protocolHandlerBefore(ChannelHandlerContext ctx) {
        for (Map.Entry<String, ChannelHandler> e : ctx.pipeline()) {
            if (e.getValue() == ctx.handler()) {
                return null;
            }
            if (e.getValue() instanceof WebSocketServerProtocolHandler
                    || e.getValue() instanceof WebSocketClientProtocolHandler) {
                return e.getKey();
            }
        }
        return null;
    }

    @Override
    public boolean isReply(Object msg) {
        return msg instanceof PongWebSocketFrame;
    }

    @Override
    public long replyId(Object reply) {
        ByteBuf payload = ((PongWebSocketFrame) reply).content();
        return payload.readableBytes() == ID_LENGTH ? payload.getLong(payload.readerIndex()) : NO_ID;
    }

    @Override
    public boolean isPeerProbe(Object msg) {
        return msg instanceof PingWebSocketFrame;
    }
}
