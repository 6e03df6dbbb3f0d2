package io.vigil.core.lifecycle;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.vigil.core.event.LifecycleEvent;
import io.vigil.core.metrics.GuardedHealthRecorder;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.socket.Transport;
import java.util.Objects;

/**
 * What the lifecycle handlers share: one start when the channel is (or becomes) active, whether the handler was
 * added before or after; the channel's {@link HealthSubject}; and reporting a {@link LifecycleEvent} to the recorder
 * (guarded: whatever it throws is caught and logged) and down the pipeline. Only this package's handlers extend it.
 *
 * <p><b>Thread safety:</b> not {@code @Sharable}: one instance per channel, used on its event loop.
 *
 * @since 0.2
 */
public abstract class LifecycleHandler extends ChannelDuplexHandler {

    private final String protocol;
    private final HealthRecorder recorder;
    private HealthSubject subject = HealthSubject.intern("unbound", HealthSubject.SERVER, "unbound");
    private boolean started;

    LifecycleHandler(String protocol, HealthRecorder recorder) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.recorder = GuardedHealthRecorder.of(recorder);
    }

    /** Runs once, on the event loop, when the channel is active and the handler in its pipeline. */
    abstract void onActive(ChannelHandlerContext ctx);

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (!started) {
            started = true;
            subject = Transport.subjectOf(ctx.channel(), protocol, recorder.tagsRemoteAddress());
            onActive(ctx);
        }
    }

    /** Tells the recorder, then fires the event down the pipeline. */
    final void report(ChannelHandlerContext ctx, LifecycleEvent event) {
        recorder.lifecycle(subject, event);
        ctx.fireUserEventTriggered(event);
    }
}
