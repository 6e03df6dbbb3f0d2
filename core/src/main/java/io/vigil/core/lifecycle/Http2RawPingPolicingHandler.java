package io.vigil.core.lifecycle;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.vigil.core.metrics.HealthRecorder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@link Http2PingPolicingHandler} on the raw bytes just before an {@link Http2ConnectionHandler} (beside a
 * keepalive handler installed with {@code Http2KeepAlive.installBefore}): it follows the frame boundaries of both
 * directions ({@link Http2FrameScanner}), counts each inbound {@code PING} without {@code ACK} as a ping (a
 * {@code PING ACK} never), takes the codec's outbound {@code HEADERS} and {@code DATA} as work sent, and asks the
 * codec for open streams. Too many pings: the codec's own {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")}
 * (see {@link Http2PingPolicingHandler#tooManyPings}); the buffer that held the offending {@code PING} never reaches
 * the codec, so that {@code PING} goes unanswered.
 *
 * <p>If the bytes do not start as HTTP/2 (no client preface, or a first frame that is not {@code SETTINGS}: an h2c
 * upgrade, an install after the first read) it polices nothing on that connection and logs a warning once.
 *
 * <p><b>Thread safety:</b> as {@link PingPolicingHandler}.
 */
final class Http2RawPingPolicingHandler extends Http2PingPolicingHandler {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Http2RawPingPolicingHandler.class);

    private final Http2FrameScanner inbound;
    private final Http2FrameScanner outbound = new Http2FrameScanner(false);
    private final Http2FrameScanner.Sink inboundSink = this::inboundFrame;
    private final Http2FrameScanner.Sink outboundSink = this::outboundFrame;
    private @Nullable ChannelHandlerContext readCtx;
    private boolean sentWork;
    private boolean warned;

    Http2RawPingPolicingHandler(Http2ConnectionHandler codec, PingRatePolicy policy, HealthRecorder recorder) {
        super(policy, recorder);
        this.inbound = new Http2FrameScanner(Objects.requireNonNull(codec, "codec").connection().isServer());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf) {
            readCtx = ctx;
            if (!inbound.scan((ByteBuf) msg, inboundSink)) {
                ReferenceCountUtil.release(msg); // a PING that ended the connection: the codec never answers it
                return;
            }
            warnIfLost(ctx, inbound, "inbound");
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf) {
            sentWork = false;
            outbound.scan((ByteBuf) msg, outboundSink);
            warnIfLost(ctx, outbound, "outbound");
            if (sentWork) {
                workSent();
            }
        }
        ctx.write(msg, promise);
    }

    private boolean inboundFrame(int type, int flags) {
        ChannelHandlerContext ctx = readCtx;
        // a PING ACK is never a ping (grpc-java#12417)
        return type != Http2FrameScanner.TYPE_PING || (flags & Http2FrameScanner.FLAG_ACK) != 0 || ctx == null
                || pingSeen(ctx);
    }

    private boolean outboundFrame(int type, int flags) {
        if (type == Http2FrameScanner.TYPE_HEADERS || type == Http2FrameScanner.TYPE_DATA) {
            sentWork = true;
        }
        return true;
    }

    private void warnIfLost(ChannelHandlerContext ctx, Http2FrameScanner scanner, String direction) {
        if (scanner.lost() && !warned) {
            warned = true;
            logger.warn("{} ping policing is off on this connection: its {} bytes before the HTTP/2 codec do not start"
                    + " as HTTP/2 (client preface, then SETTINGS): an h2c upgrade, or installed after the first read;"
                    + " install on a prior-knowledge or ALPN connection before it reads, or after an Http2FrameCodec",
                    ctx.channel(), direction);
        }
    }
}
