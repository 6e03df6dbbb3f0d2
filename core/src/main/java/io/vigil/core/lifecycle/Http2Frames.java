package io.vigil.core.lifecycle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** HTTP/2 helpers shared by the lifecycle handlers; loaded only by the HTTP/2 ones. */
final class Http2Frames {

    private Http2Frames() {
    }

    /** A {@code GOAWAY} with ASCII debug data; {@code extraStreamIds} as {@link DefaultHttp2GoAwayFrame} takes it. */
    static Http2GoAwayFrame goAway(Http2Error error, String debugData, int extraStreamIds) {
        DefaultHttp2GoAwayFrame frame = new DefaultHttp2GoAwayFrame(error,
                Unpooled.copiedBuffer(debugData, StandardCharsets.US_ASCII));
        frame.setExtraStreamIds(extraStreamIds);
        return frame;
    }

    /** Whether a frame is the peer's {@code GOAWAY(ENHANCE_YOUR_CALM, debugData)}. */
    static boolean isGoAway(Object msg, Http2Error error, String debugData) {
        if (!(msg instanceof Http2GoAwayFrame)) {
            return false;
        }
        Http2GoAwayFrame goAway = (Http2GoAwayFrame) msg;
        return isGoAway(goAway.errorCode(), goAway.content(), error, debugData);
    }

    /** Whether a {@code GOAWAY}'s error code and debug data are {@code error} and {@code debugData}. */
    static boolean isGoAway(long errorCode, ByteBuf data, Http2Error error, String debugData) {
        return errorCode == error.code() && data.readableBytes() == debugData.length()
                && ByteBufUtil.equals(data, data.readerIndex(),
                Unpooled.wrappedBuffer(debugData.getBytes(StandardCharsets.US_ASCII)), 0, debugData.length());
    }

    /** The codec before {@code ctx}: an {@code Http2FrameCodec} or another {@link Http2ConnectionHandler}. */
    static @Nullable Http2ConnectionHandler codec(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(Http2ConnectionHandler.class);
    }

    /** Open streams on the connection, as the codec counts them; 0 without a codec. */
    static int activeStreams(@Nullable Http2ConnectionHandler codec) {
        return codec == null ? 0 : codec.connection().numActiveStreams();
    }

    /** Closes at once from the head of the pipeline: past the codec's graceful close, which would wait for streams. */
    static void closeNow(ChannelHandlerContext ctx) {
        ChannelHandlerContext first = ctx.pipeline().firstContext();
        (first == null ? ctx : first).close();
    }
}
