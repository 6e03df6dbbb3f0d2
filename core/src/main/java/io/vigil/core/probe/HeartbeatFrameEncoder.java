package io.vigil.core.probe;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes the heartbeat wire format (see {@link HeartbeatCodec}): an outbound {@link ByteBuf} becomes a
 * {@code DATA} frame (header plus the payload, not copied), a {@link HeartbeatFrame} a {@code PING} or
 * {@code PONG}. A payload longer than the limit fails its write with an {@link EncoderException} that states the
 * length and the limit.
 *
 * <p><b>Thread safety:</b> {@link io.netty.channel.ChannelHandler.Sharable}-safe state, but installed per channel by
 * {@link HeartbeatCodec}.
 *
 * @since 0.1
 */
public final class HeartbeatFrameEncoder extends MessageToMessageEncoder<Object> {

    private final int maxDataLength;

    /**
     * Creates an encoder.
     *
     * @param maxDataLength the longest {@code DATA} payload sent, bytes
     */
    public HeartbeatFrameEncoder(int maxDataLength) {
        this.maxDataLength = HeartbeatCodec.checkMaxDataLength(maxDataLength);
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof ByteBuf || msg instanceof HeartbeatFrame;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof HeartbeatFrame) {
            HeartbeatFrame frame = (HeartbeatFrame) msg;
            out.add(ctx.alloc().buffer(HeartbeatCodec.CONTROL_FRAME_LENGTH)
                    .writeByte(frame.isPing() ? HeartbeatCodec.TYPE_PING : HeartbeatCodec.TYPE_PONG)
                    .writeLong(frame.id()));
            return;
        }
        ByteBuf payload = (ByteBuf) msg;
        int length = payload.readableBytes();
        if (length > maxDataLength) {
            throw new EncoderException(
                    "DATA frame of " + length + " bytes exceeds the maximum of " + maxDataLength + " bytes");
        }
        out.add(ctx.alloc().buffer(HeartbeatCodec.DATA_HEADER_LENGTH)
                .writeByte(HeartbeatCodec.TYPE_DATA)
                .writeInt(length));
        out.add(payload.retain());
    }
}
