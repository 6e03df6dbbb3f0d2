package io.vigil.core.lifecycle;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.probe.Prober;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Polices how often the peer pings, on the server: the rules of a {@link PingRatePolicy} ({@link PingPolicer}),
 * for any protocol with a {@link Prober}. Each early ping fires a {@link PingStrike}; the one after the last
 * tolerated strike fires {@link TooManyPings} and {@link #tooManyPings ends the connection} (this class: a close;
 * {@link Http2PingPolicingHandler}: {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")} first). Both also go to the
 * recorder's {@code lifecycle}.
 *
 * <p>What counts: a message the prober calls the peer's probe ({@link Prober#isPeerProbe}) is a ping; a reply to a
 * probe ({@link Prober#isReply}: a {@code PING ACK}, a pong) never is, whatever its id (grpc-java#12417). Any other
 * message, inbound or outbound, is application work: "with work" means one went by since the peer's previous ping
 * (HTTP/2 asks the codec for open streams instead), and an outbound one clears the strikes, as the server sending
 * {@code HEADERS} or {@code DATA} does in gRPC. After the connection was ended, the peer's further pings are dropped
 * here unanswered.
 *
 * <p>Place it after the codec and the keepalive handler and before the responder that answers pings, so that it
 * sees the peer's pings before they are answered:
 * <pre>{@code
 * pipeline.addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
 *         .addLast(VigilPipeline.KEEPALIVE, new KeepAliveHandler(policy, HeartbeatProber.INSTANCE))
 *         .addLast(VigilPipeline.PING_POLICING, new PingPolicingHandler(PingRatePolicy.defaults(),
 *                 HeartbeatProber.INSTANCE, recorder))
 *         .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler());
 * }</pre>
 *
 * <p>Cost: per inbound or outbound message two {@code instanceof}-style checks of the prober and one store; per
 * peer ping one read of the event loop's ticker. A flood is cheap to end: with the default policy the third ping
 * of a flood ends the connection.
 *
 * <p><b>Thread safety:</b> not {@code @Sharable}: one instance per channel, used on its event loop.
 *
 * @since 0.2
 */
public class PingPolicingHandler extends LifecycleHandler implements PingPolicingFeed {

    private final PingRatePolicy policy;
    private final Prober prober;
    private @Nullable ChannelHandlerContext ctx;
    private @Nullable PingPolicer policer;
    private boolean workSincePing;
    private boolean ended;

    /**
     * Creates a policing handler.
     *
     * @param policy the ping-rate rules
     * @param prober tells the peer's pings and the replies to ours from other messages
     * @param recorder receives strikes and closes; whatever it throws is caught and logged
     */
    public PingPolicingHandler(PingRatePolicy policy, Prober prober, HealthRecorder recorder) {
        super(prober.protocol(), recorder);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.prober = prober;
    }

    /**
     * Returns the policy.
     *
     * @return the policy
     */
    public PingRatePolicy policy() {
        return policy;
    }

    /**
     * Returns the strikes the peer collected so far. Must be called on the event loop.
     *
     * @return 0 before the channel is active
     */
    public int strikes() {
        PingPolicer p = policer;
        return p == null ? 0 : p.strikes();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    void onActive(ChannelHandlerContext ctx) {
        policer = new PingPolicer(policy, ctx.executor().ticker().nanoTime());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (policer != null && !prober.isReply(msg)) { // a reply to a probe is never a ping (grpc-java#12417)
            if (prober.isPeerProbe(msg)) {
                if (!pingSeen(ctx)) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
            } else {
                workSincePing = true;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (policer != null && isWorkSent(msg)) {
            workSent();
        }
        ctx.write(msg, promise);
    }

    /**
     * {@inheritDoc}
     *
     * <p>For a codec whose frames do not come down the pipeline (a listener-style HTTP/2 codec, a framework's
     * callback): call it where the peer's ping is read, never where a reply to a ping is. Must be called on the
     * event loop; before the channel is active it does nothing.
     */
    @Override
    public boolean peerPingSeen() {
        ChannelHandlerContext c = ctx;
        assert c == null || c.executor().inEventLoop() : "must be called on the event loop";
        return c == null || pingSeen(c);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Must be called on the event loop; before the channel is active it does nothing.
     */
    @Override
    public void workSent() {
        PingPolicer p = policer;
        if (p != null) {
            p.onWorkSent();
            workSincePing = true;
        }
    }

    /** A peer's ping arrived, by whatever route: returns false if the connection was (or is now) ended. */
    final boolean pingSeen(ChannelHandlerContext ctx) {
        PingPolicer p = policer;
        if (p == null) {
            return true;
        }
        return !ended && onPing(ctx, p);
    }

    /** Returns false if the ping ended the connection (the caller drops it). */
    private boolean onPing(ChannelHandlerContext ctx, PingPolicer p) {
        long now = ctx.executor().ticker().nanoTime();
        boolean withWork = hasWork(ctx);
        workSincePing = false;
        long since = p.sinceLastPermitted(now);
        int verdict = p.onPing(now, withWork);
        if (verdict == PingPolicer.PERMITTED) {
            return true;
        }
        if (verdict != PingPolicer.TOO_MANY) {
            PingStrike strike = new PingStrike(verdict, policy.maxStrikes(), since,
                    withWork ? policy.minIntervalNanos() : policy.minIntervalWithoutWorkNanos(), !withWork);
            report(ctx, strike);
            return true;
        }
        ended = true;
        TooManyPings event = new TooManyPings(p.strikes());
        report(ctx, event);
        tooManyPings(ctx, event);
        return false;
    }

    /**
     * Tells whether the connection carries application work at the peer's ping. This class: an application
     * message went by, either way, since the peer's previous ping.
     *
     * @param ctx this handler's context
     * @return true if the shorter minimum applies
     */
    protected boolean hasWork(ChannelHandlerContext ctx) {
        return workSincePing;
    }

    /**
     * Tells whether an outbound message is application work that clears the strikes. This class: anything but a
     * probe or a reply to one.
     *
     * @param msg the outbound message
     * @return true if it is application work
     */
    protected boolean isWorkSent(Object msg) {
        return !prober.isReply(msg) && !prober.isPeerProbe(msg);
    }

    /**
     * Ends a connection whose peer pinged too often, after {@link TooManyPings} went down the pipeline. This class
     * closes it; a protocol with a way to say why (HTTP/2's {@code GOAWAY}) says it first. Called once, on the
     * event loop.
     *
     * @param ctx this handler's context
     * @param event the event, with the strikes
     */
    protected void tooManyPings(ChannelHandlerContext ctx, TooManyPings event) {
        ctx.close();
    }
}
