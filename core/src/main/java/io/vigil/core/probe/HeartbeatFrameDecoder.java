package io.vigil.core.probe;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.ProtocolViolation;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the heartbeat wire format (see {@link HeartbeatCodec}): {@code DATA} frames become the payload
 * {@link ByteBuf}, {@code PING} and {@code PONG} frames become {@link HeartbeatFrame}s.
 *
 * <p>A frame of unknown type, a {@code DATA} frame longer than the limit, or a frame cut short by the end of the
 * stream is a protocol violation: the decoder releases the offending bytes, fires a {@link ProtocolViolation}
 * user event, closes the channel and ignores anything that follows. It never throws into the pipeline.
 *
 * <p><b>Thread safety:</b> one instance per channel; confined to its event loop.
 *
 * @since 0.1
 */
public final class HeartbeatFrameDecoder extends ByteToMessageDecoder {

    private final int maxDataLength;
    private final @Nullable InboundObserver observer;
    private boolean failed;

    /**
     * Creates a decoder.
     *
     * @param maxDataLength the longest {@code DATA} payload accepted, bytes
     */
    public HeartbeatFrameDecoder(int maxDataLength) {
        this(maxDataLength, null);
    }

    /**
     * Creates a decoder that shows every decoded message to an observer before passing it on.
     *
     * @param maxDataLength the longest {@code DATA} payload accepted, bytes
     * @param observer sees each decoded message; one it consumes is released and not passed on; null for none
     * @since 0.2
     */
    public HeartbeatFrameDecoder(int maxDataLength, @Nullable InboundObserver observer) {
        this.maxDataLength = HeartbeatCodec.checkMaxDataLength(maxDataLength);
        this.observer = observer;
    }

    private void emit(Object msg, List<Object> out) {
        InboundObserver o = observer;
        if (o != null && o.observe(msg)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        out.add(msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        int type = in.getUnsignedByte(start);
        switch (type) {
            case HeartbeatCodec.TYPE_DATA: {
                if (in.readableBytes() < HeartbeatCodec.DATA_HEADER_LENGTH) {
                    return;
                }
                long length = in.getUnsignedInt(start + 1);
                if (length > maxDataLength) {
                    fail(ctx, in, "oversized DATA frame: " + length + " bytes > max " + maxDataLength + " bytes");
                    return;
                }
                if (in.readableBytes() < HeartbeatCodec.DATA_HEADER_LENGTH + length) {
                    return;
                }
                in.skipBytes(HeartbeatCodec.DATA_HEADER_LENGTH);
                emit(in.readRetainedSlice((int) length), out);
                return;
            }
            case HeartbeatCodec.TYPE_PING:
            case HeartbeatCodec.TYPE_PONG: {
                if (in.readableBytes() < HeartbeatCodec.CONTROL_FRAME_LENGTH) {
                    return;
                }
                in.skipBytes(1);
                long id = in.readLong();
                emit(type == HeartbeatCodec.TYPE_PING ? HeartbeatFrame.ping(id) : HeartbeatFrame.pong(id), out);
                return;
            }
            default:
                fail(ctx, in, "unknown frame type 0x" + Integer.toHexString(type)
                        + " (expected 0x00 DATA, 0x01 PING or 0x02 PONG)");
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        if (in.isReadable() && !failed && ctx.channel().attr(PeerDead.VERDICT).get() != null) {
            // We closed the connection on our own verdict: a frame cut short by our close is no fault of the peer.
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.isReadable() && !failed) {
            fail(ctx, in, "truncated frame at end of stream: " + in.readableBytes() + " bytes of an incomplete "
                    + frameName(in.getUnsignedByte(in.readerIndex())) + " frame");
        }
    }

    private static String frameName(int type) {
        return type == HeartbeatCodec.TYPE_DATA ? "DATA" : type == HeartbeatCodec.TYPE_PING ? "PING" : "PONG";
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String detail) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.fireUserEventTriggered(new ProtocolViolation(HeartbeatProber.PROTOCOL, detail));
        ctx.close();
    }
}
