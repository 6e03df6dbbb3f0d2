package io.vigil.core.http2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.vigil.core.VigilPipeline;
import io.vigil.core.handler.FedKeepAliveHandler;
import io.vigil.core.handler.ReadPath;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Installs keepalive on an HTTP/2 connection in one call, and finds it from a stream.
 *
 * <pre>
 *   (transport) → [SslHandler] → Http2FrameCodec → KEEPALIVE → [Http2MultiplexHandler → stream channels]
 *                                                             → [application, connection level]
 * </pre>
 *
 * <ul>
 *   <li>{@link #install} for {@code Http2FrameCodec} pipelines, with or without an {@code Http2MultiplexHandler}:
 *       it finds the codec and puts the handler right after it, so that it sits <em>between</em> the codec and the
 *       multiplex handler (after the multiplex handler it would see no frame; before the codec, bytes).</li>
 *   <li>{@link #installAfter} for listener-style codecs (an {@link Http2ConnectionHandler} with an
 *       {@code Http2FrameListener}, as grpc-java's): frames go to the listener, not down the pipeline, so the
 *       listener feeds the returned handler ({@link io.vigil.core.handler.HealthFeed}).</li>
 *   <li>{@link #installBefore} on raw bytes before a codec you cannot change: any inbound byte proves life (the
 *       kernel's rule); no round-trip time.</li>
 *   <li>{@link #of(Channel)} from a stream channel (or the connection) returns the connection's handler: its
 *       {@code state()}, {@code policy()} and {@code verdict()}.</li>
 * </ul>
 *
 * <p>The codec answers the peer's {@code PING}s itself unless it was built with {@code autoAckPingFrame(false)};
 * then add an {@link Http2PingResponder}. A gRPC peer polices {@code PING}s: a grpc-java server sends
 * {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")} after the third {@code PING} sooner than its
 * {@code permitKeepAliveTime} (5 min by default; 2 h without calls unless {@code permitKeepAliveWithoutCalls}), so
 * a policy that probes a gRPC server more often needs the server's permission.
 *
 * <p><b>Thread safety:</b> call the installers where the pipeline is built (a {@code ChannelInitializer}, or the
 * event loop); {@link #of(Channel)} and the handler's methods on the connection's event loop.
 *
 * @since 0.1
 */
public final class Http2KeepAlive {

    private Http2KeepAlive() {
    }

    /**
     * Installs keepalive after the pipeline's {@link Http2FrameCodec}, recording nothing.
     *
     * @param pipeline a pipeline that holds an {@code Http2FrameCodec}
     * @param policy the keepalive policy
     * @return the installed handler, named {@link VigilPipeline#KEEPALIVE}
     * @throws IllegalStateException if the pipeline holds no {@code Http2FrameCodec}
     */
    public static Http2KeepAliveHandler install(ChannelPipeline pipeline, KeepAlivePolicy policy) {
        return install(pipeline, policy, HealthRecorder.NOOP);
    }

    /**
     * Installs keepalive after the pipeline's {@link Http2FrameCodec}, with {@link Http2Prober}.
     *
     * @param pipeline a pipeline that holds an {@code Http2FrameCodec}
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @return the installed handler, named {@link VigilPipeline#KEEPALIVE}
     * @throws IllegalStateException if the pipeline holds no {@code Http2FrameCodec}
     */
    public static Http2KeepAliveHandler install(ChannelPipeline pipeline, KeepAlivePolicy policy,
                                                HealthRecorder recorder) {
        return install(pipeline, policy, recorder, ReadPath.HANDLER);
    }

    /**
     * Installs keepalive after the pipeline's {@link Http2FrameCodec}, with {@link Http2Prober}, with the read path
     * chosen: {@link ReadPath#CODEC} wraps the codec's frame listener so that the codec stamps every frame it reads
     * (and consumes the {@code PING ACK}s that answer Vigil's probes), and puts the keepalive after the codec as a
     * {@link FedKeepAliveHandler}, which Netty skips on the read path.
     *
     * @param pipeline a pipeline that holds an {@code Http2FrameCodec}
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @param readPath where the keepalive learns of inbound frames
     * @return the installed handler (with {@link ReadPath#CODEC}, the one the pipeline's {@link FedKeepAliveHandler},
     *         named {@link VigilPipeline#KEEPALIVE}, holds); {@link #of(Channel)} finds it either way
     * @throws IllegalStateException if the pipeline holds no {@code Http2FrameCodec}
     * @since 0.2
     */
    public static Http2KeepAliveHandler install(ChannelPipeline pipeline, KeepAlivePolicy policy,
                                                HealthRecorder recorder, ReadPath readPath) {
        Objects.requireNonNull(readPath, "readPath");
        ChannelHandlerContext codec = pipeline.context(Http2FrameCodec.class);
        if (codec == null) {
            throw new IllegalStateException("no Http2FrameCodec in the pipeline " + pipeline.names()
                    + ": install keepalive after the codec is added (with h2c upgrade or ALPN, where the codec is"
                    + " added); for an Http2ConnectionHandler with an Http2FrameListener use installAfter and feed"
                    + " the handler from the listener");
        }
        Http2KeepAliveHandler handler = new Http2KeepAliveHandler(policy, Http2Prober.INSTANCE, recorder);
        if (readPath == ReadPath.CODEC) {
            Http2ConnectionDecoder decoder = ((Http2FrameCodec) codec.handler()).decoder();
            decoder.frameListener(new Http2FeedListener(decoder.frameListener(), handler));
            pipeline.addAfter(codec.name(), VigilPipeline.KEEPALIVE, FedKeepAliveHandler.of(handler, pipeline.channel()));
        } else {
            pipeline.addAfter(codec.name(), VigilPipeline.KEEPALIVE, handler);
        }
        return handler;
    }

    /**
     * Installs keepalive after a listener-style codec, probing through its encoder ({@link Http2EncoderProber}).
     * The codec passes no frames down the pipeline: its {@code Http2FrameListener} must feed the returned handler
     * ({@code inboundSeen()} on every frame, {@code probeReplySeen(data)} on every {@code PING ACK},
     * {@code peerProbeSeen()} on every {@code PING}); see {@link io.vigil.core.handler.HealthFeed}.
     *
     * @param pipeline the pipeline that holds {@code connection}
     * @param connection the codec
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @return the installed handler, named {@link VigilPipeline#KEEPALIVE}, also the listener's feed
     * @throws IllegalArgumentException if {@code connection} is not in the pipeline
     */
    public static Http2KeepAliveHandler installAfter(ChannelPipeline pipeline, Http2ConnectionHandler connection,
                                                     KeepAlivePolicy policy, HealthRecorder recorder) {
        Http2KeepAliveHandler handler = new Http2KeepAliveHandler(policy, new Http2EncoderProber(connection),
                recorder);
        pipeline.addAfter(nameOf(pipeline, connection), VigilPipeline.KEEPALIVE, handler);
        return handler;
    }

    /**
     * Installs keepalive on raw bytes just before an HTTP/2 codec, probing with {@link Http2RawPingProber}: for a
     * codec whose frames cannot be seen (a framework's, or a listener that cannot be changed). Any inbound byte
     * proves life; {@code PeerAlive} carries no round-trip time.
     *
     * @param pipeline the pipeline that holds {@code codec}
     * @param codec the HTTP/2 codec (an {@code Http2ConnectionHandler} or any handler that reads the bytes)
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @return the installed handler, named {@link VigilPipeline#KEEPALIVE}
     * @throws IllegalArgumentException if {@code codec} is not in the pipeline
     */
    public static Http2KeepAliveHandler installBefore(ChannelPipeline pipeline, ChannelHandler codec,
                                                      KeepAlivePolicy policy, HealthRecorder recorder) {
        Http2KeepAliveHandler handler = new Http2KeepAliveHandler(policy, Http2RawPingProber.INSTANCE, recorder);
        pipeline.addBefore(nameOf(pipeline, codec), VigilPipeline.KEEPALIVE, handler);
        return handler;
    }

    /**
     * Returns the keepalive handler of the connection a channel belongs to: for a stream channel
     * ({@link Http2StreamChannel}), its parent's. It stays registered after the connection closed, so a stream's
     * {@code channelInactive} can still read the {@link Http2KeepAliveHandler#verdict() verdict}. Must be called on
     * the connection's event loop.
     *
     * @param channel a connection or stream channel
     * @return the handler, or null if the connection has none
     */
    public static @Nullable Http2KeepAliveHandler of(Channel channel) {
        Objects.requireNonNull(channel, "channel");
        Channel connection = channel instanceof Http2StreamChannel && channel.parent() != null
                ? channel.parent() : channel;
        return connection.attr(Http2KeepAliveHandler.CONNECTION).get();
    }

    private static String nameOf(ChannelPipeline pipeline, ChannelHandler handler) {
        Objects.requireNonNull(handler, "handler");
        ChannelHandlerContext ctx = pipeline.context(handler);
        if (ctx == null) {
            throw new IllegalArgumentException(handler + " is not in the pipeline " + pipeline.names());
        }
        return ctx.name();
    }
}
