package io.vigil.core.lifecycle;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.vigil.core.VigilPipeline;
import io.vigil.core.event.ConnectionRetired;
import io.vigil.core.http2.Http2Prober;
import io.vigil.core.metrics.HealthRecorder;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Retires HTTP/2 connections as a grpc-java server does (see {@link ConnectionLifetime}): idle means no open stream
 * and no {@code HEADERS} or {@code DATA} either way; on {@code max_idle} a {@code GOAWAY(NO_ERROR, "max_idle")}; on
 * {@code max_age} a {@code GOAWAY(NO_ERROR, "max_age")} with the last stream id 2<sup>31</sup>−1, a {@code PING},
 * and when its {@code ACK} comes back (or after {@value #PING_TIMEOUT_SECONDS} s, or the grace period, whichever is
 * first) the second {@code GOAWAY(NO_ERROR, "max_age")} with the real last stream id, so that a stream the client
 * opened while the first was in flight is still served. Then the codec's graceful close, which waits for the open
 * streams; the grace period bounds it, after which the connection is closed at once.
 *
 * <pre>
 *   socket → Http2FrameCodec → vigil.keepalive → vigil.lifetime → Http2MultiplexHandler → streams
 * </pre>
 *
 * <p><b>Thread safety:</b> as {@link ConnectionLifetimeHandler}.
 *
 * @since 0.2
 */
public class Http2ConnectionLifetimeHandler extends ConnectionLifetimeHandler {

    /** How long the first {@code GOAWAY}'s {@code PING} may go unanswered: {@value} s, as gRPC's. */
    public static final int PING_TIMEOUT_SECONDS = 10;
    /** The data of the {@code PING} that follows the first {@code GOAWAY}; grpc-java uses 0x97ACEF001. */
    static final long GOAWAY_PING = 0x97ACEF001L;

    private @Nullable Http2ConnectionHandler codec;
    private boolean awaitingPingAck;
    private @Nullable Future<?> pingTimeout;

    /**
     * Creates a handler.
     *
     * @param lifetime when to retire
     * @param recorder receives the retirements
     */
    public Http2ConnectionLifetimeHandler(ConnectionLifetime lifetime, HealthRecorder recorder) {
        super(lifetime, Http2Prober.INSTANCE, recorder);
    }

    /**
     * Installs the handler after the keepalive handler ({@link VigilPipeline#KEEPALIVE}) if there is one, otherwise
     * right after the HTTP/2 codec.
     *
     * @param pipeline the connection's pipeline
     * @param lifetime when to retire
     * @param recorder receives the retirements
     * @return the installed handler, named {@link VigilPipeline#LIFETIME}
     * @throws IllegalStateException if the pipeline has no HTTP/2 codec
     */
    public static Http2ConnectionLifetimeHandler install(ChannelPipeline pipeline, ConnectionLifetime lifetime,
                                                         HealthRecorder recorder) {
        Http2ConnectionLifetimeHandler handler = new Http2ConnectionLifetimeHandler(lifetime, recorder);
        Lifecycles.addAfterKeepAlive(pipeline, VigilPipeline.LIFETIME, handler);
        return handler;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        codec = Http2Frames.codec(ctx);
        super.handlerAdded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (awaitingPingAck && msg instanceof Http2PingFrame && ((Http2PingFrame) msg).ack()
                && ((Http2PingFrame) msg).content() == GOAWAY_PING) {
            ReferenceCountUtil.release(msg);
            secondGoAway(ctx);
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected boolean isApplicationTraffic(Object msg) {
        return msg instanceof Http2HeadersFrame || msg instanceof Http2DataFrame;
    }

    @Override
    protected boolean hasWorkInFlight(ChannelHandlerContext ctx) {
        return Http2Frames.activeStreams(codec) > 0;
    }

    @Override
    protected void retire(ChannelHandlerContext ctx, ConnectionRetired.Reason reason) {
        Http2ConnectionHandler c = codec;
        long grace = lifetime().graceNanos();
        if (c != null && grace > 0) {
            c.gracefulShutdownTimeoutMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(grace)));
        }
        if (reason == ConnectionRetired.Reason.MAX_IDLE) {
            ctx.writeAndFlush(Http2Frames.goAway(Http2Error.NO_ERROR, reason.debugData(), 0));
            ctx.close();
            return;
        }
        ctx.write(Http2Frames.goAway(Http2Error.NO_ERROR, reason.debugData(), Integer.MAX_VALUE));
        ctx.writeAndFlush(new DefaultHttp2PingFrame(GOAWAY_PING));
        awaitingPingAck = true;
        long timeout = Math.min(TimeUnit.SECONDS.toNanos(PING_TIMEOUT_SECONDS), grace);
        pingTimeout = ctx.executor().schedule(() -> secondGoAway(ctx), timeout, TimeUnit.NANOSECONDS);
    }

    /** The second {@code GOAWAY}, with the real last stream id, then the codec's graceful close. */
    private void secondGoAway(ChannelHandlerContext ctx) {
        if (!awaitingPingAck) {
            return;
        }
        awaitingPingAck = false;
        Future<?> t = pingTimeout;
        if (t != null) {
            t.cancel(false);
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.writeAndFlush(Http2Frames.goAway(Http2Error.NO_ERROR, ConnectionRetired.Reason.MAX_AGE.debugData(), 0));
        ctx.close();
    }

    @Override
    protected void closeNow(ChannelHandlerContext ctx) {
        Http2Frames.closeNow(ctx);
    }
}
