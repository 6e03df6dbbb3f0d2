package io.vigil.core.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection-level HTTP/2 application after a frame codec: records the {@code PING} frames that reach it (as
 * {@code "ping 42"} / {@code "ack 42"}), releases every frame, and can open streams.
 */
final class FrameLog extends Http2ChannelDuplexHandler {

    final List<String> pings = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2PingFrame) {
            Http2PingFrame ping = (Http2PingFrame) msg;
            pings.add((ping.ack() ? "ack " : "ping ") + ping.content());
        }
        ReferenceCountUtil.release(msg);
    }

    /**
     * Creates a stream the caller writes its first frame on.
     *
     * @return the stream
     */
    Http2FrameStream stream() {
        return newStream();
    }
}
