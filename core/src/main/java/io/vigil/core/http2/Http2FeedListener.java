package io.vigil.core.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.vigil.core.handler.HealthFeed;

/**
 * Feeds a keepalive from inside an {@code Http2FrameCodec}'s decoder ({@link io.vigil.core.handler.ReadPath#CODEC}):
 * wraps the codec's own frame listener, so every frame the codec reads stamps the keepalive before the codec turns it
 * into a frame object for the pipeline. A {@code PING ACK} that answers one of Vigil's outstanding probes is consumed
 * here (it never becomes a frame); any other {@code PING ACK} passes on and proves nothing; the peer's {@code PING}
 * counts as the policy says (the codec still answers it); every other frame proves life.
 *
 * <p><b>Thread safety:</b> called by the codec on the connection's event loop.
 */
final class Http2FeedListener extends Http2FrameListenerDecorator {

    private final HealthFeed feed;

    Http2FeedListener(Http2FrameListener codecListener, HealthFeed feed) {
        super(codecListener);
        this.feed = feed;
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        feed.inboundSeen();
        return super.onDataRead(ctx, streamId, data, padding, endOfStream);
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                              boolean endStream) throws Http2Exception {
        feed.inboundSeen();
        super.onHeadersRead(ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endStream) throws Http2Exception {
        feed.inboundSeen();
        super.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream);
    }

    @Override
    public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
                               boolean exclusive) throws Http2Exception {
        feed.inboundSeen();
        super.onPriorityRead(ctx, streamId, streamDependency, weight, exclusive);
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) throws Http2Exception {
        feed.inboundSeen();
        super.onRstStreamRead(ctx, streamId, errorCode);
    }

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) throws Http2Exception {
        feed.inboundSeen();
        super.onSettingsAckRead(ctx);
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
        feed.inboundSeen();
        super.onSettingsRead(ctx, settings);
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
        feed.peerProbeSeen();
        super.onPingRead(ctx, data);
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
        if (!feed.probeReplySeen(data)) {
            super.onPingAckRead(ctx, data); // not ours: the application's own PING answered
        }
    }

    @Override
    public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId,
                                  Http2Headers headers, int padding) throws Http2Exception {
        feed.inboundSeen();
        super.onPushPromiseRead(ctx, streamId, promisedStreamId, headers, padding);
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData)
            throws Http2Exception {
        feed.inboundSeen();
        super.onGoAwayRead(ctx, lastStreamId, errorCode, debugData);
    }

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement)
            throws Http2Exception {
        feed.inboundSeen();
        super.onWindowUpdateRead(ctx, streamId, windowSizeIncrement);
    }

    @Override
    public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
                               ByteBuf payload) throws Http2Exception {
        feed.inboundSeen();
        super.onUnknownFrame(ctx, frameType, streamId, flags, payload);
    }
}
