package io.vigil.core.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.vigil.core.probe.Prober;

/**
 * Probes with a WebSocket ping frame whose payload is the probe's 8-byte id (big-endian), and recognises the pong
 * that echoes it (RFC 6455 §5.5.3: a pong carries the ping's payload). Only a pong whose id is that of an
 * outstanding probe is consumed by {@code KeepAliveHandler}; any other pong (the application's own pings' answers,
 * an unsolicited heartbeat pong) passes on, and any inbound frame proves the peer alive.
 *
 * <p>Needs the WebSocket frame codec in the pipeline before the keepalive handler, that is, a completed handshake;
 * and the keepalive handler must see pongs, which a {@code WebSocketServerProtocolHandler} or
 * {@code WebSocketClientProtocolHandler} drops by default ({@code dropPongFrames}). {@link WebSocketKeepAlive} takes
 * care of both; install by hand only with that in mind.
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

    @Override
    public ChannelFuture sendProbe(ChannelHandlerContext ctx, long id) {
        ByteBuf payload = ctx.alloc().buffer(ID_LENGTH).writeLong(id);
        return ctx.writeAndFlush(new PingWebSocketFrame(payload));
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
