package io.vigil.core.lifecycle;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.http2.Http2Prober;
import io.vigil.core.metrics.HealthRecorder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Polices an HTTP/2 peer's {@code PING}s as a grpc-java server does: the {@link PingRatePolicy}'s minimum between
 * the peer's {@code PING}s (the longer one while no stream is open), strikes, then
 * {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")} and an immediate close. {@code PING ACK}s never count, neither
 * the answers to our keepalive's probes nor any other (grpc-java#12417). The server sending {@code HEADERS} or
 * {@code DATA} clears the strikes. One entry point per way of installing keepalive ({@code Http2KeepAlive}):
 *
 * <ul>
 *   <li>{@link #install} after an {@code Http2FrameCodec} (and after the keepalive handler if there is one):
 *       <pre>
 *   socket → Http2FrameCodec → vigil.keepalive → vigil.pingPolicing → Http2MultiplexHandler → streams
 *       </pre></li>
 *   <li>{@link #installAfter} after a listener-style {@link Http2ConnectionHandler}, whose frames go to its
 *       {@code Http2FrameListener}: the listener feeds the returned handler ({@link PingPolicingFeed}:
 *       {@code peerPingSeen()} in {@code onPingRead}, never in {@code onPingAckRead}; {@code workSent()} where the
 *       server writes {@code HEADERS} or {@code DATA}).</li>
 *   <li>{@link #installBefore} on the raw bytes just before an {@link Http2ConnectionHandler} whose listener
 *       cannot be changed: the handler follows the frame boundaries itself (see there).</li>
 * </ul>
 *
 * <p>The codec answers each {@code PING} before this handler sees it ({@code autoAckPingFrame}), so a flood costs
 * one 17-byte {@code PING ACK} per 17-byte {@code PING} until the connection ends: the third early ping with the
 * default policy.
 *
 * <p><b>Thread safety:</b> as {@link PingPolicingHandler}.
 *
 * @since 0.2
 */
public class Http2PingPolicingHandler extends PingPolicingHandler {

    private @Nullable Http2ConnectionHandler codec;

    /**
     * Creates a policing handler for a pipeline with an {@code Http2FrameCodec}.
     *
     * @param policy the ping-rate rules
     * @param recorder receives strikes and closes
     */
    public Http2PingPolicingHandler(PingRatePolicy policy, HealthRecorder recorder) {
        super(policy, Http2Prober.INSTANCE, recorder);
    }

    /**
     * Installs policing after the keepalive handler ({@link VigilPipeline#KEEPALIVE}) if that sits after the
     * {@code Http2FrameCodec}, otherwise right after the codec. Call it where the pipeline is built, after the codec
     * was added.
     *
     * @param pipeline the connection's pipeline
     * @param policy the ping-rate rules
     * @param recorder receives strikes and closes
     * @return the installed handler, named {@link VigilPipeline#PING_POLICING}
     * @throws IllegalStateException if the pipeline has no {@code Http2FrameCodec} (a listener-style codec needs
     *         {@link #installAfter} or {@link #installBefore})
     */
    public static Http2PingPolicingHandler install(ChannelPipeline pipeline, PingRatePolicy policy,
                                                   HealthRecorder recorder) {
        ChannelHandlerContext codec = pipeline.context(Http2FrameCodec.class);
        if (codec == null) {
            throw new IllegalStateException("no Http2FrameCodec in " + pipeline.names() + ": ping policing after"
                    + " the codec sees no frame otherwise. With an Http2ConnectionHandler and an Http2FrameListener use"
                    + " Http2PingPolicingHandler.installAfter(..) and feed it from the listener, or installBefore(..)"
                    + " on the raw bytes; else add the codec first");
        }
        Http2PingPolicingHandler handler = new Http2PingPolicingHandler(policy, recorder);
        ChannelHandlerContext keepAlive = pipeline.context(VigilPipeline.KEEPALIVE);
        String after = keepAlive != null && isAfter(pipeline, keepAlive, codec) ? keepAlive.name() : codec.name();
        pipeline.addAfter(after, VigilPipeline.PING_POLICING, handler);
        return handler;
    }

    /**
     * Installs policing after a listener-style codec: an {@link Http2ConnectionHandler} whose frames go to an
     * {@code Http2FrameListener} and not down the pipeline (as with {@code Http2KeepAlive.installAfter}). The
     * listener feeds the returned handler ({@link PingPolicingFeed}): {@code peerPingSeen()} in
     * {@code onPingRead} and never in {@code onPingAckRead}, {@code workSent()} where the server writes
     * {@code HEADERS} or {@code DATA} through the encoder. "With work" is the codec's count of open streams. Too
     * many pings: {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")} through the codec, then a close. The codec has
     * answered each {@code PING} before its listener runs.
     *
     * @param pipeline the pipeline that holds {@code connection}
     * @param connection the codec
     * @param policy the ping-rate rules
     * @param recorder receives strikes and closes
     * @return the installed handler, named {@link VigilPipeline#PING_POLICING}: the listener's feed
     * @throws IllegalArgumentException if {@code connection} is not in the pipeline
     */
    public static Http2PingPolicingHandler installAfter(ChannelPipeline pipeline, Http2ConnectionHandler connection,
                                                        PingRatePolicy policy, HealthRecorder recorder) {
        ChannelHandlerContext codec = Lifecycles.contextOf(pipeline, connection);
        Http2PingPolicingHandler handler = new Http2PingPolicingHandler(policy, recorder);
        ChannelHandlerContext keepAlive = pipeline.context(VigilPipeline.KEEPALIVE);
        String after = keepAlive != null && isAfter(pipeline, keepAlive, codec) ? keepAlive.name() : codec.name();
        pipeline.addAfter(after, VigilPipeline.PING_POLICING, handler);
        return handler;
    }

    /**
     * Installs policing on the raw bytes just before an {@link Http2ConnectionHandler} (a framework's, or a
     * listener-style one whose listener cannot be changed; as with {@code Http2KeepAlive.installBefore}). The
     * handler follows the HTTP/2 frame boundaries of both directions itself: each inbound {@code PING} without
     * {@code ACK} is a ping ({@code PING ACK}s never are), the codec's outbound {@code HEADERS} and {@code DATA} are
     * work sent, and "with work" is the codec's count of open streams. Too many pings: the codec's own
     * {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")}, the offending buffer is dropped (that {@code PING} goes
     * unanswered), then an immediate close. It needs the connection's bytes from their start as HTTP/2 (prior
     * knowledge, or ALPN after the {@code SslHandler}): where they do not start so (an h2c upgrade) it polices
     * nothing on that connection and logs a warning.
     *
     * @param pipeline the pipeline that holds {@code codec}
     * @param codec the HTTP/2 codec
     * @param policy the ping-rate rules
     * @param recorder receives strikes and closes
     * @return the installed handler, named {@link VigilPipeline#PING_POLICING}, right before the codec
     * @throws IllegalArgumentException if {@code codec} is not in the pipeline
     * @throws IllegalStateException if the codec has already read the peer's preface (the frame boundaries are lost)
     */
    public static Http2PingPolicingHandler installBefore(ChannelPipeline pipeline, Http2ConnectionHandler codec,
                                                         PingRatePolicy policy, HealthRecorder recorder) {
        ChannelHandlerContext codecCtx = Lifecycles.contextOf(pipeline, codec);
        if (codec.decoder().prefaceReceived()) {
            throw new IllegalStateException("the HTTP/2 codec '" + codecCtx.name() + "' has already read the peer's"
                    + " preface: policing on the raw bytes cannot find the frame boundaries from here. Install it"
                    + " where the pipeline is built, before the channel reads");
        }
        Http2PingPolicingHandler handler = new Http2RawPingPolicingHandler(codec, policy, recorder);
        pipeline.addBefore(codecCtx.name(), VigilPipeline.PING_POLICING, handler);
        return handler;
    }

    private static boolean isAfter(ChannelPipeline pipeline, ChannelHandlerContext a, ChannelHandlerContext b) {
        List<String> names = pipeline.names();
        return names.indexOf(a.name()) > names.indexOf(b.name());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        codec = Http2Frames.codec(ctx);
        super.handlerAdded(ctx);
    }

    /** With work while a stream is open, as gRPC counts calls. */
    @Override
    protected boolean hasWork(ChannelHandlerContext ctx) {
        return Http2Frames.activeStreams(codec) > 0;
    }

    @Override
    protected boolean isWorkSent(Object msg) {
        return msg instanceof Http2HeadersFrame || msg instanceof Http2DataFrame;
    }

    /**
     * {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")}, then an immediate close, as grpc-java's server does: as a
     * frame after an {@code Http2FrameCodec}; through {@link Http2ConnectionHandler#goAway} with any other codec
     * (listener-style, or this handler on the raw bytes before it), with the last stream the peer opened.
     */
    @Override
    protected void tooManyPings(ChannelHandlerContext ctx, TooManyPings event) {
        Http2ConnectionHandler c = codec;
        ChannelHandlerContext codecCtx = c == null || c instanceof Http2FrameCodec ? null : ctx.pipeline().context(c);
        if (c == null || codecCtx == null) {
            ctx.writeAndFlush(Http2Frames.goAway(Http2Error.ENHANCE_YOUR_CALM, TooManyPings.REASON, 0))
                    .addListener((ChannelFutureListener) f -> Http2Frames.closeNow(ctx));
            return;
        }
        Http2Connection connection = c.connection();
        int last = connection.remote().lastStreamCreated();
        if (connection.goAwaySent()) {
            last = Math.min(last, connection.remote().lastStreamKnownByPeer());
        }
        ChannelPromise promise = codecCtx.newPromise();
        c.goAway(codecCtx, last, Http2Error.ENHANCE_YOUR_CALM.code(),
                Unpooled.copiedBuffer(TooManyPings.REASON, StandardCharsets.US_ASCII), promise);
        codecCtx.flush();
        promise.addListener((ChannelFutureListener) f -> Http2Frames.closeNow(ctx));
    }
}
