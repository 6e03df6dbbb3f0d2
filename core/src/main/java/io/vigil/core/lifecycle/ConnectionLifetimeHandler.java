package io.vigil.core.lifecycle;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Future;
import io.vigil.core.event.ConnectionRetired;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.probe.Prober;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Retires connections by a {@link ConnectionLifetime}: after its maximum idle time without application traffic, and
 * at its (jittered) maximum age. Each retirement fires {@link ConnectionRetired} (and tells the recorder), then
 * {@link #retire}s: this class closes the connection; {@link Http2ConnectionLifetimeHandler} sends {@code GOAWAY}
 * and lets the open streams finish. If the connection is still open when the grace period ends, a second
 * {@link ConnectionRetired} (forced) goes out and {@link #closeNow} closes it at once.
 *
 * <pre>{@code
 * pipeline.addLast(VigilPipeline.LIFETIME, new ConnectionLifetimeHandler(lifetime, HeartbeatProber.INSTANCE,
 *         recorder));
 * }</pre>
 *
 * <p>Application traffic is any message, inbound or outbound, that the prober does not call a probe or a reply to
 * one. Cost: per message two {@code instanceof}-style checks and one store; the idleness is checked by a task every
 * quarter of the maximum idle time and the age by one task: no clock read per message, and two scheduled tasks per
 * connection at most.
 *
 * <p><b>Thread safety:</b> not {@code @Sharable}: one instance per channel, used on its event loop.
 *
 * @since 0.2
 */
public class ConnectionLifetimeHandler extends LifecycleHandler {

    /** Quiet checks in a row that make {@code maxIdle}. */
    private static final int QUIET_CHECKS = 4;

    private final ConnectionLifetime lifetime;
    private final Prober prober;
    private @Nullable ChannelHandlerContext ctx;
    private @Nullable Future<?> idleCheck;
    private @Nullable Future<?> ageTimer;
    private @Nullable Future<?> graceTimer;
    private boolean traffic;
    private int quietChecks;
    private boolean retiring;

    /**
     * Creates a handler.
     *
     * @param lifetime when to retire
     * @param prober tells probes and their replies from application traffic
     * @param recorder receives the retirements
     */
    public ConnectionLifetimeHandler(ConnectionLifetime lifetime, Prober prober, HealthRecorder recorder) {
        super(prober.protocol(), recorder);
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        this.prober = prober;
    }

    /**
     * Returns the lifetime.
     *
     * @return the lifetime
     */
    public ConnectionLifetime lifetime() {
        return lifetime;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    void onActive(ChannelHandlerContext ctx) {
        long maxIdle = lifetime.maxIdleNanos();
        if (maxIdle > 0) {
            long period = maxIdle / QUIET_CHECKS;
            idleCheck = ctx.executor().scheduleAtFixedRate(this::checkIdle, period, period, TimeUnit.NANOSECONDS);
        }
        long age = lifetime.jitteredAgeNanos(ThreadLocalRandom.current().nextDouble());
        if (age > 0) {
            ageTimer = ctx.executor().schedule(() -> startRetiring(ConnectionRetired.Reason.MAX_AGE, age), age,
                    TimeUnit.NANOSECONDS);
        }
    }

    private void stop() {
        retiring = true;
        cancel(idleCheck);
        cancel(ageTimer);
        cancel(graceTimer);
        idleCheck = null;
        ageTimer = null;
        graceTimer = null;
    }

    private static void cancel(@Nullable Future<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (isApplicationTraffic(msg)) {
            traffic = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (isApplicationTraffic(msg)) {
            traffic = true;
        }
        ctx.write(msg, promise);
    }

    /**
     * Tells whether a message, either way, is application traffic. This class: anything but a probe or a reply.
     *
     * @param msg the message
     * @return true if it keeps the connection from being idle
     */
    protected boolean isApplicationTraffic(Object msg) {
        return !prober.isReply(msg) && !prober.isPeerProbe(msg);
    }

    /**
     * Tells whether work is in flight now, which keeps the connection from being idle whatever the traffic. This
     * class: never.
     *
     * @param ctx this handler's context
     * @return true if work is in flight
     */
    protected boolean hasWorkInFlight(ChannelHandlerContext ctx) {
        return false;
    }

    private void checkIdle() {
        ChannelHandlerContext c = ctx;
        if (c == null || retiring) {
            return;
        }
        if (traffic || hasWorkInFlight(c)) {
            traffic = false;
            quietChecks = 0;
            return;
        }
        if (++quietChecks >= QUIET_CHECKS) {
            startRetiring(ConnectionRetired.Reason.MAX_IDLE, lifetime.maxIdleNanos());
        }
    }

    private void startRetiring(ConnectionRetired.Reason reason, long afterNanos) {
        ChannelHandlerContext c = ctx;
        if (c == null || retiring || !c.channel().isActive()) {
            return;
        }
        retiring = true;
        cancel(idleCheck);
        cancel(ageTimer);
        report(c, new ConnectionRetired(reason, afterNanos, false));
        long grace = lifetime.graceNanos();
        graceTimer = c.executor().schedule(() -> {
            if (c.channel().isOpen()) {
                report(c, new ConnectionRetired(reason, afterNanos, true));
                closeNow(c);
            }
        }, grace, TimeUnit.NANOSECONDS);
        retire(c, reason);
    }

    /**
     * Starts retiring the connection, after {@link ConnectionRetired} went down the pipeline. This class closes it;
     * HTTP/2 sends {@code GOAWAY} and lets the open streams finish. The grace timer is already running. Called once,
     * on the event loop.
     *
     * @param ctx this handler's context
     * @param reason why
     */
    protected void retire(ChannelHandlerContext ctx, ConnectionRetired.Reason reason) {
        ctx.close();
    }

    /**
     * Closes the connection at once: the grace period ran out. Called on the event loop.
     *
     * @param ctx this handler's context
     */
    protected void closeNow(ChannelHandlerContext ctx) {
        ctx.close();
    }
}
