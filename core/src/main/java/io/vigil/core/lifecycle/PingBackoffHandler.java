package io.vigil.core.lifecycle;

import io.netty.channel.ChannelHandlerContext;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.handler.FedKeepAliveHandler;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
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
public abstract class PingBackoffHandler extends LifecycleHandler {

    private final PingBackoffTable table;
    private @Nullable String remote;

    /**
     * Creates a handler.
     *
     * @param table where backed-off idle times are kept, usually {@link PingBackoffTable#shared()}
     * @param protocol the protocol's name, a metrics tag (as its prober's)
     * @param recorder receives the back-offs
     */
    PingBackoffHandler(PingBackoffTable table, String protocol, HealthRecorder recorder) {
        super(protocol, recorder);
        this.table = Objects.requireNonNull(table, "table");
    }

    /**
     * Tells whether an inbound message is the server's "too many pings".
     *
     * @param msg the message
     * @return true if it is
     */
    protected abstract boolean isTooManyPings(Object msg);

    @Override
    void onActive(ChannelHandlerContext ctx) {
        SocketAddress address = ctx.channel().remoteAddress();
        if (address == null) {
            return;
        }
        remote = PingBackoffTable.key(address);
        KeepAliveHandler keepAlive = FedKeepAliveHandler.keepAliveIn(ctx.pipeline());
        if (keepAlive != null) {
            KeepAlivePolicy policy = keepAlive.policy();
            KeepAlivePolicy backedOff = table.policyFor(remote, policy);
            if (backedOff != policy) {
                keepAlive.policy(backedOff);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (isTooManyPings(msg)) {
            backOff(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    /** The server said too many pings (seen by whatever route): doubles the idle for its address. */
    final void backOff(ChannelHandlerContext ctx) {
        String r = remote;
        KeepAliveHandler keepAlive = r == null ? null : FedKeepAliveHandler.keepAliveIn(ctx.pipeline());
        if (r != null && keepAlive != null) {
            KeepAlivePolicy policy = keepAlive.policy();
            long newIdle = table.onTooManyPings(r, policy.idleNanos());
            keepAlive.policy(PingBackoffTable.withIdle(policy, newIdle));
            report(ctx, new PingBackoff(r, policy.idleNanos(), newIdle));
        }
    }
}
