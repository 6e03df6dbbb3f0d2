package io.vigil.core.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2MultiplexActiveStreamsException;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.util.AttributeKey;
import io.vigil.core.event.DeadPeerException;
import io.vigil.core.event.PeerDead;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.Prober;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The keepalive handler of an HTTP/2 connection: a {@link KeepAliveHandler} that stream channels can find and that
 * hands its verdict to the streams.
 *
 * <ul>
 *   <li><b>Found from a stream.</b> It registers itself on the connection channel, so
 *       {@link Http2KeepAlive#of(io.netty.channel.Channel)} finds it from the connection or any of its stream
 *       channels, even after the pipeline was torn down: {@link #state()}, {@link #policy()}, {@link #verdict()}.</li>
 *   <li><b>The verdict is the streams' close cause.</b> On a verdict, each active stream channel of an
 *       {@link Http2MultiplexHandler} after this handler receives the {@link DeadPeerException} in
 *       {@code exceptionCaught}, then goes inactive when the connection closes (Netty's
 *       {@link Http2MultiplexActiveStreamsException} route, which does not reach the connection's tail). Stream
 *       handlers handle it there, as they handle any stream error; one that does not gets the stream pipeline's
 *       "unhandled exception" warning.</li>
 *   <li><b>The close is abortive and immediate.</b> The channel is closed from the head of the pipeline with
 *       {@code SO_LINGER} 0: the HTTP/2 codec's graceful close (a {@code GOAWAY}, then up to its
 *       {@code gracefulShutdownTimeoutMillis}, 30 s by default, for the streams to finish) would keep a dead peer's
 *       connection open, or forever behind a stalled write. The codec's {@code channelInactive} closes the
 *       streams.</li>
 * </ul>
 *
 * <p><b>Thread safety:</b> as {@link KeepAliveHandler}: one instance per connection, every method on the
 * connection's event loop (which its stream channels share).
 *
 * @since 0.1
 */
public class Http2KeepAliveHandler extends KeepAliveHandler {

    /** Where the handler registers itself on the connection channel. */
    static final AttributeKey<Http2KeepAliveHandler> CONNECTION =
            AttributeKey.valueOf(Http2KeepAliveHandler.class, "connection");

    private @Nullable PeerDead verdict;

    /**
     * Creates a handler.
     *
     * @param policy when to probe and when to give up
     * @param prober how to probe: {@link Http2Prober} after an {@code Http2FrameCodec}, {@link Http2EncoderProber}
     *        with a listener-style codec, {@link Http2RawPingProber} before a codec
     * @param recorder receives probes, verdicts and state changes
     */
    public Http2KeepAliveHandler(KeepAlivePolicy policy, Prober prober, HealthRecorder recorder) {
        super(policy, prober, recorder);
    }

    /**
     * Returns the verdict on this connection's peer, if there was one.
     *
     * @return the verdict, or null while the peer was not declared dead
     */
    public @Nullable PeerDead verdict() {
        return verdict;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().attr(CONNECTION).set(this);
        super.handlerAdded(ctx);
    }

    @Override
    protected void onVerdict(ChannelHandlerContext ctx, PeerDead verdict, DeadPeerException exception) {
        this.verdict = verdict;
        if (hasMultiplexAfter(ctx)) {
            ctx.fireExceptionCaught(new Http2MultiplexActiveStreamsException(exception));
        }
        if (exceptionOnVerdict()) {
            ctx.fireExceptionCaught(exception);
        }
        try {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
            // The transport cannot linger-0; an orderly close will have to do.
        }
        ChannelHandlerContext first = ctx.pipeline().firstContext();
        (first == null ? ctx : first).close();
    }

    /** Whether an {@link Http2MultiplexHandler} sits after this handler (where our events go). */
    private static boolean hasMultiplexAfter(ChannelHandlerContext ctx) {
        ChannelPipeline pipeline = ctx.pipeline();
        ChannelHandlerContext multiplex = pipeline.context(Http2MultiplexHandler.class);
        if (multiplex == null) {
            return false;
        }
        List<String> names = pipeline.names();
        return names.indexOf(multiplex.name()) > names.indexOf(ctx.name());
    }
}
