package io.vigil.core.handler;

import io.vigil.core.VigilPipeline;
import io.netty.channel.ChannelPipeline;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Installs the heartbeat protocol with keepalive in one call: {@link HeartbeatCodec}, {@link KeepAliveHandler}
 * with {@link HeartbeatProber}, and the {@link HeartbeatResponder}, at the tail of the pipeline, under the
 * {@link VigilPipeline} names. Add the application's handlers after it; they read and write
 * {@link io.netty.buffer.ByteBuf} payloads.
 *
 * <pre>{@code
 * protected void initChannel(SocketChannel ch) {
 *     HeartbeatKeepAlive.install(ch.pipeline(), KeepAlivePolicy.deadWithin(Duration.ofSeconds(30)));
 *     ch.pipeline().addLast("app", new MyHandler());
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class HeartbeatKeepAlive {

    private HeartbeatKeepAlive() {
    }

    /**
     * Installs the heartbeat protocol and keepalive, recording nothing.
     *
     * @param pipeline the channel's pipeline
     * @param policy the keepalive policy
     * @return the installed keepalive handler
     */
    public static KeepAliveHandler install(ChannelPipeline pipeline, KeepAlivePolicy policy) {
        return install(pipeline, policy, HealthRecorder.NOOP);
    }

    /**
     * Installs the heartbeat protocol and keepalive.
     *
     * @param pipeline the channel's pipeline
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @return the installed keepalive handler
     */
    public static KeepAliveHandler install(ChannelPipeline pipeline, KeepAlivePolicy policy, HealthRecorder recorder) {
        return install(pipeline, policy, recorder, ReadPath.HANDLER);
    }

    /**
     * Installs the heartbeat protocol and keepalive, with the read path chosen: {@link ReadPath#CODEC} has the
     * codec stamp each decoded message ({@link CodecFeed}) and puts the keepalive in the pipeline as a
     * {@link FedKeepAliveHandler}, which Netty skips on the read path.
     *
     * <pre>{@code
     * HeartbeatKeepAlive.install(ch.pipeline(), policy, recorder, ReadPath.CODEC);
     * }</pre>
     *
     * @param pipeline the channel's pipeline
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @param readPath where the keepalive learns of inbound traffic
     * @return the installed keepalive handler (with {@link ReadPath#CODEC}, the one the pipeline's
     *         {@link FedKeepAliveHandler} holds)
     * @since 0.2
     */
    public static KeepAliveHandler install(ChannelPipeline pipeline, KeepAlivePolicy policy, HealthRecorder recorder,
                                           ReadPath readPath) {
        KeepAliveHandler keepAlive = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, recorder);
        if (Objects.requireNonNull(readPath, "readPath") == ReadPath.CODEC) {
            pipeline.addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec(HeartbeatCodec.DEFAULT_MAX_DATA_LENGTH,
                    new CodecFeed(keepAlive, HeartbeatProber.INSTANCE)))
                    .addLast(VigilPipeline.KEEPALIVE, FedKeepAliveHandler.of(keepAlive, pipeline.channel()));
        } else {
            pipeline.addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
                    .addLast(VigilPipeline.KEEPALIVE, keepAlive);
        }
        pipeline.addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler());
        return keepAlive;
    }

    /**
     * Installs the heartbeat protocol and keepalive just before the handler named {@code baseName}, for pipelines
     * that a framework ends with a handler of its own where nothing arrives after it: Reactor Netty's
     * {@code reactiveBridge} ({@code NettyPipeline.ReactiveBridge}), say.
     *
     * <pre>{@code
     * TcpServer.create().doOnConnection(c ->
     *         HeartbeatKeepAlive.installBefore(c.channel().pipeline(), NettyPipeline.ReactiveBridge, policy));
     * }</pre>
     *
     * @param pipeline the channel's pipeline
     * @param baseName the name of the handler the three go in front of, in order
     * @param policy the keepalive policy
     * @param recorder receives probes, verdicts and state changes
     * @return the installed keepalive handler
     * @throws NoSuchElementException if there is no handler named {@code baseName}, with the names there
     *         are
     */
    public static KeepAliveHandler installBefore(ChannelPipeline pipeline, String baseName, KeepAlivePolicy policy,
                                                 HealthRecorder recorder) {
        if (pipeline.context(baseName) == null) {
            throw new NoSuchElementException("HeartbeatKeepAlive.installBefore: no handler named '"
                    + baseName + "' in the pipeline " + pipeline.names());
        }
        KeepAliveHandler keepAlive = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, recorder);
        pipeline.addBefore(baseName, VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
                .addBefore(baseName, VigilPipeline.KEEPALIVE, keepAlive)
                .addBefore(baseName, VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler());
        return keepAlive;
    }

    /**
     * Installs the heartbeat protocol and keepalive before a named handler, recording nothing; see
     * {@link #installBefore(ChannelPipeline, String, KeepAlivePolicy, HealthRecorder)}.
     *
     * @param pipeline the channel's pipeline
     * @param baseName the name of the handler the three go in front of
     * @param policy the keepalive policy
     * @return the installed keepalive handler
     */
    public static KeepAliveHandler installBefore(ChannelPipeline pipeline, String baseName, KeepAlivePolicy policy) {
        return installBefore(pipeline, baseName, policy, HealthRecorder.NOOP);
    }
}
