package io.vigil.core.lifecycle;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.http2.Http2Prober;
import io.vigil.core.metrics.HealthRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Polices an HTTP/2 peer's {@code PING}s as a grpc-java server does: the {@link PingRatePolicy}'s minimum between
 * the peer's {@code PING}s (the longer one while no stream is open), strikes, then
 * {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")} and an immediate close. {@code PING ACK}s never count, neither
 * the answers to our keepalive's probes nor any other (grpc-java#12417). The server sending {@code HEADERS} or
 * {@code DATA} clears the strikes. It sits after an {@code Http2FrameCodec} (and after the keepalive handler if
 * there is one): {@link #install}.
 *
 * <pre>
 *   socket → Http2FrameCodec → vigil.keepalive → vigil.pingPolicing → Http2MultiplexHandler → streams
 * </pre>
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
     * Installs policing after the keepalive handler ({@link VigilPipeline#KEEPALIVE}) if there is one, otherwise
     * right after the {@code Http2FrameCodec}. Call it where the pipeline is built, after the codec was added.
     *
     * @param pipeline the connection's pipeline
     * @param policy the ping-rate rules
     * @param recorder receives strikes and closes
     * @return the installed handler, named {@link VigilPipeline#PING_POLICING}
     * @throws IllegalStateException if the pipeline has no {@code Http2FrameCodec}
     */
    public static Http2PingPolicingHandler install(ChannelPipeline pipeline, PingRatePolicy policy,
                                                   HealthRecorder recorder) {
        Http2PingPolicingHandler handler = new Http2PingPolicingHandler(policy, recorder);
        Lifecycles.addAfterKeepAlive(pipeline, VigilPipeline.PING_POLICING, handler);
        return handler;
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

    /** {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")}, then an immediate close, as grpc-java's server does. */
    @Override
    protected void tooManyPings(ChannelHandlerContext ctx, TooManyPings event) {
        ctx.writeAndFlush(Http2Frames.goAway(Http2Error.ENHANCE_YOUR_CALM, TooManyPings.REASON, 0))
                .addListener((ChannelFutureListener) f -> Http2Frames.closeNow(ctx));
    }
}
