package io.vigil.core.handler;

import io.vigil.core.VigilPipeline;
import io.netty.channel.ChannelPipeline;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatCodec;
import io.vigil.core.probe.HeartbeatProber;
import io.vigil.core.probe.HeartbeatResponder;

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
        KeepAliveHandler keepAlive = new KeepAliveHandler(policy, HeartbeatProber.INSTANCE, recorder);
        pipeline.addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
                .addLast(VigilPipeline.KEEPALIVE, keepAlive)
                .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler());
        return keepAlive;
    }
}
