package io.vigil.core.lifecycle;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.metrics.GuardedHealthRecorder;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.socket.Transport;
import java.net.SocketAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client side of ping-rate policing: when the server says this client pings too often (HTTP/2:
 * {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")}, {@link Http2PingBackoffHandler}), the probe idle time for that
 * remote address doubles in a {@link PingBackoffTable}, and every later connection to the
 * address starts with it: at activation this handler raises the pipeline's {@link KeepAliveHandler}'s idle time
 * to the table's. Each back-off fires a {@link PingBackoff} event and goes to the recorder's {@code lifecycle}.
 *
 * <p>It goes after the {@link KeepAliveHandler} ({@link io.vigil.core.VigilPipeline#PING_BACKOFF}), which must be in
 * the pipeline when the channel becomes active.
 *
 * <p><b>Thread safety:</b> not {@code @Sharable}: one instance per channel, used on its event loop.
 *
 * @since 0.2
 */
public abstract class PingBackoffHandler extends ChannelInboundHandlerAdapter {

    private final PingBackoffTable table;
    private final HealthRecorder recorder;
    private final String protocol;
    private @Nullable String remote;
    private @Nullable HealthSubject subject;

    /**
     * Creates a handler.
     *
     * @param table where backed-off idle times are kept, usually {@link PingBackoffTable#shared()}
     * @param protocol the protocol's name, a metrics tag (as its prober's)
     * @param recorder receives the back-offs
     */
    protected PingBackoffHandler(PingBackoffTable table, String protocol, HealthRecorder recorder) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.table = Objects.requireNonNull(table, "table");
        this.recorder = GuardedHealthRecorder.of(recorder);
    }

    /**
     * Tells whether an inbound message is the server's "too many pings".
     *
     * @param msg the message
     * @return true if it is
     */
    protected abstract boolean isTooManyPings(Object msg);

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
        SocketAddress address = ctx.channel().remoteAddress();
        if (remote != null || address == null) {
            return;
        }
        remote = PingBackoffTable.key(address);
        KeepAliveHandler keepAlive = ctx.pipeline().get(KeepAliveHandler.class);
        if (keepAlive != null) {
            subject = Transport.subjectOf(ctx.channel(), protocol, recorder.tagsRemoteAddress());
            KeepAlivePolicy policy = keepAlive.policy();
            KeepAlivePolicy backedOff = table.policyFor(remote, policy);
            if (backedOff != policy) {
                keepAlive.policy(backedOff);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        String r = remote;
        if (r != null && isTooManyPings(msg)) {
            KeepAliveHandler keepAlive = ctx.pipeline().get(KeepAliveHandler.class);
            if (keepAlive != null) {
                KeepAlivePolicy policy = keepAlive.policy();
                long newIdle = table.onTooManyPings(r, policy.idleNanos());
                keepAlive.policy(PingBackoffTable.withIdle(policy, newIdle));
                PingBackoff event = new PingBackoff(r, policy.idleNanos(), newIdle);
                HealthSubject s = subject;
                if (s != null) {
                    recorder.lifecycle(s, event);
                }
                ctx.fireUserEventTriggered(event);
            }
        }
        ctx.fireChannelRead(msg);
    }
}
