package io.vigil.core.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

/**
 * Probes an HTTP/2 peer with {@code PING} frames written as raw bytes, for a keepalive handler that sits
 * <em>before</em> (closer to the socket than) an HTTP/2 codec it cannot sit after: a codec inside a framework, or a
 * listener-style codec whose listener cannot be changed. There the handler sees bytes, not frames, so every inbound
 * byte proves the peer alive (the kernel's own rule) and no reply is recognised: the peer's {@code PING ACK} reaches
 * the codec, and {@code PeerAlive} carries no round-trip time.
 *
 * <p>Each probe is one whole frame (9-byte header, type {@code PING}, stream 0, 8 bytes of data: the probe's id)
 * written between the codec's frames: writes happen on the event loop, one whole message at a time. Only for
 * cleartext below TLS, that is after an {@code SslHandler}; the codec's peer must accept {@code PING}s at the
 * policy's rate (a gRPC server polices them: see {@link Http2KeepAlive}).
 *
 * <p><b>Thread safety:</b> stateless; one {@link #INSTANCE} serves every channel.
 *
 * @since 0.1
 */
public final class Http2RawPingProber extends BlindProber {

    /** The only instance. */
    public static final Http2RawPingProber INSTANCE = new Http2RawPingProber();

    /** The size of a {@code PING} frame: {@value} bytes. */
    public static final int FRAME_BYTES = 17;

    private static final int PING_PAYLOAD = 8;
    private static final byte TYPE_PING = 0x6;

    private Http2RawPingProber() {
    }

    @Override
    public ChannelFuture sendProbe(ChannelHandlerContext ctx, long id) {
        ByteBuf frame = ctx.alloc().buffer(FRAME_BYTES);
        frame.writeMedium(PING_PAYLOAD).writeByte(TYPE_PING).writeByte(0).writeInt(0).writeLong(id);
        return ctx.writeAndFlush(frame);
    }
}
