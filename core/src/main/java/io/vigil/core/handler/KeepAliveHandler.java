package io.vigil.core.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.vigil.core.event.DeadPeerException;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.Evidence;
import io.vigil.core.event.HealthEvent;
import io.vigil.core.event.KernelSample;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.PeerIdle;
import io.vigil.core.event.ProbeAcked;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.internal.timer.HealthTimer;
import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.machine.HealthState;
import io.vigil.core.machine.HealthStateMachine;
import io.vigil.core.machine.TickAction;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.ProofOfLife;
import io.vigil.core.probe.Prober;
import io.vigil.core.socket.KernelInspector;
import io.vigil.core.socket.KernelInspectors;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Detects a dead peer the way the kernel's TCP keepalive does, with application probes: after the policy's idle
 * time without inbound traffic it sends a probe through its {@link Prober}, another every interval, and declares the
 * peer dead when they go unanswered (see {@link KeepAlivePolicy} and {@link HealthStateMachine} for the exact
 * rules). Any inbound message proves the peer alive.
 *
 * <pre>{@code
 * pipeline.addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
 *         .addLast(VigilPipeline.KEEPALIVE, new KeepAliveHandler(policy, HeartbeatProber.INSTANCE))
 *         .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler())
 *         .addLast("app", new MyHandler());
 * }</pre>
 *
 * <p>What it fires down the pipeline, as user events ({@link HealthEvent}): {@link PeerIdle} then
 * {@link ProbeSent}(1) when probing starts, {@link ProbeSent}(n) for each further probe, {@link ProbeAcked} when the
 * peer answers, and on a verdict {@link PeerDead} followed by a {@link DeadPeerException} through
 * {@code exceptionCaught}, then one abortive close ({@code SO_LINGER} 0, so the peer gets an RST, like the kernel's
 * keepalive abort). When the transport's {@link KernelInspector} recognises a socket error as the kernel's own
 * verdict ({@code ETIMEDOUT}, ...), the handler reports it the same way with a {@code KERNEL_*} reason instead of
 * passing on the bare {@code IOException}: on the read path from {@code exceptionCaught}, with {@code TCP_INFO}
 * sampled from the dead socket; on the write path (Netty fails the queued writes and closes without
 * {@code exceptionCaught}) from {@code channelInactive}, with the last sample taken while writes were waiting.
 * {@code TCP_INFO} is sampled at verdicts, and on timer ticks only for a recorder other than
 * {@link HealthRecorder#NOOP} or while writes wait: never per message.
 *
 * <p>Cost: the read path is one store of the loop's cached time per message — no clock read, no allocation, no
 * timer touched. The write path is not intercepted at all: write progress is read from the outbound buffer when
 * the timer fires. The channel's whole health and timer state is one small object held by the event loop's shared
 * timer wheel. Precision: a verdict is never early and lands within three timer ticks (30 ms with the default
 * 10 ms tick) after the nominal time counted from the true last arrival; see {@link HealthTimer}.
 *
 * <p>Lifecycle: works whether added before or after the channel is active; channel close and handler removal
 * disarm the timer and release everything.
 *
 * <p><b>Thread safety:</b> not {@code @Sharable}: one instance per channel. Every method, including
 * {@link #policy(KeepAlivePolicy)} and {@link #state()}, must be called on the channel's event loop.
 *
 * @since 0.1
 * @see VigilPipeline
 */
public class KeepAliveHandler extends ChannelDuplexHandler {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(KeepAliveHandler.class);

    private static final HealthSubject UNBOUND = new HealthSubject("unbound", HealthSubject.CLIENT, "unbound");

    private static final byte NEW = 0;
    private static final byte ACTIVE = 1;
    private static final byte DESTROYED = 2;

    private final Prober prober;
    private final HealthRecorder recorder;
    private KeepAlivePolicy policy;
    private boolean peerProbesProveLife;

    private @Nullable ChannelHandlerContext ctx;
    private @Nullable HealthTimer timer;
    private @Nullable Entry entry;
    /**
     * The latest inbound stamp. The read path writes it here, in the object it touches anyway, rather than in the
     * state machine (another object, another cache miss at scale); {@link #sync} hands it to the machine before the
     * machine is asked anything, so the machine sees exactly what it would have seen.
     */
    private long lastRx;
    /** Mirrors {@code entry.probesOut() != 0} for the read path, for the same reason. */
    private boolean probing;
    private HealthSubject subject = UNBOUND;
    private KernelInspector inspector = KernelInspector.NONE;
    private boolean sampleOnTick;
    private @Nullable KernelSample lastSample;
    private byte lifecycle = NEW;
    private boolean recorderFailureLogged;

    /**
     * Creates a handler that records nothing.
     *
     * @param policy when to probe and when to give up
     * @param prober how to probe in this channel's protocol
     */
    public KeepAliveHandler(KeepAlivePolicy policy, Prober prober) {
        this(policy, prober, HealthRecorder.NOOP);
    }

    /**
     * Creates a handler.
     *
     * @param policy when to probe and when to give up
     * @param prober how to probe in this channel's protocol
     * @param recorder receives probes, verdicts and state changes (metrics)
     */
    public KeepAliveHandler(KeepAlivePolicy policy, Prober prober, HealthRecorder recorder) {
        this.prober = Objects.requireNonNull(prober, "prober");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        setPolicy(Objects.requireNonNull(policy, "policy"));
    }

    private void setPolicy(KeepAlivePolicy newPolicy) {
        policy = newPolicy;
        peerProbesProveLife = newPolicy.proofOfLife() == ProofOfLife.ANY_MESSAGE;
    }

    /**
     * Returns the policy in force.
     *
     * @return the policy
     */
    public KeepAlivePolicy policy() {
        return policy;
    }

    /**
     * Changes the policy of a live channel. A new idle time re-arms at once, at
     * {@code now + max(0, idle - (now - lastRx))} (as {@code TCP_KEEPIDLE} does on a live socket); interval,
     * probes, user timeout and proof of life apply from the next tick. Must be called on the event loop.
     *
     * @param newPolicy the policy
     */
    public void policy(KeepAlivePolicy newPolicy) {
        Objects.requireNonNull(newPolicy, "newPolicy");
        ChannelHandlerContext c = ctx;
        assert c == null || c.executor().inEventLoop() : "must be called on the event loop";
        boolean idleChanged = newPolicy.idleNanos() != policy.idleNanos();
        setPolicy(newPolicy);
        Entry e = entry;
        HealthTimer t = timer;
        if (idleChanged && e != null && t != null && sync(e).onIdleChanged(newPolicy, t.preciseNow())) {
            t.schedule(e);
        }
    }

    /**
     * Returns the connection's health state. Must be called on the event loop.
     *
     * @return the state; {@link HealthState#CLOSED} before the channel is active and after it closed
     */
    public HealthState state() {
        Entry e = entry;
        return e == null ? HealthState.CLOSED : e.state();
    }

    /**
     * Tells whether this handler has a timer armed. Must be called on the event loop.
     *
     * @return true while the timer holds this channel
     */
    public boolean isTimerArmed() {
        Entry e = entry;
        return e != null && e.isScheduled();
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        Channel ch = ctx.channel();
        if (ch.isActive() && ch.isRegistered()) {
            initialize(ctx);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        destroy();
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isActive()) {
            initialize(ctx);
        }
        super.channelRegistered(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        initialize(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        kernelVerdictOnClose(ctx);
        destroy();
        super.channelInactive(ctx);
    }

    /**
     * Stamps the loop's cached time on every inbound message (row 3); consumes replies to our probes.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        Entry e = entry;
        HealthTimer t = timer;
        if (e != null && t != null) {
            if (prober.isReply(msg)) {
                onReply(e, t, msg);
                return;
            }
            if (peerProbesProveLife || !prober.isPeerProbe(msg)) {
                lastRx = t.stamp();
                if (probing) {
                    acknowledged(e, ProbeAcked.UNKNOWN_RTT);
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        Entry e = entry;
        HealthTimer t = timer;
        DeathReason kernelVerdict = e == null ? null : inspector.classify(cause);
        if (e == null || t == null || kernelVerdict == null) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        HealthState before = sync(e).state();
        if (!e.onKernelVerdict(kernelVerdict)) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        t.cancel(e);
        report(ctx, e, before, kernelVerdict, t.preciseNow(), pendingBytes(ctx.channel()), cause);
    }

    /**
     * A kernel verdict that reaches Netty on the write path (data still queued in the outbound buffer when the
     * kernel gave up) fails the pending writes and closes the channel without {@code exceptionCaught}. Netty keeps
     * that error as the channel's close cause, which a write to the closed channel reports as its cause. Cold path:
     * once per close, and only on transports with a kernel inspector.
     */
    private void kernelVerdictOnClose(ChannelHandlerContext ctx) {
        Entry e = entry;
        HealthTimer t = timer;
        if (e == null || t == null || inspector == KernelInspector.NONE || e.state() == HealthState.DEAD) {
            return;
        }
        Throwable cause = closeCause(ctx.channel());
        DeathReason kernelVerdict = cause == null ? null : inspector.classify(cause);
        if (kernelVerdict == null) {
            return;
        }
        HealthState before = sync(e).state();
        if (e.onKernelVerdict(kernelVerdict)) {
            t.cancel(e);
            report(ctx, e, before, kernelVerdict, t.preciseNow(), 0, cause);
        }
    }

    /** The error Netty closed a channel for, if it kept one: the cause of a write's failure on the closed channel. */
    private static @Nullable Throwable closeCause(Channel ch) {
        if (ch.unsafe().outboundBuffer() != null) {
            return null;
        }
        ChannelPromise attempt = ch.newPromise();
        ch.unsafe().write(Unpooled.EMPTY_BUFFER, attempt);
        Throwable failure = attempt.cause();
        return failure == null ? null : failure.getCause();
    }

    private void initialize(ChannelHandlerContext ctx) {
        if (lifecycle != NEW) {
            return;
        }
        lifecycle = ACTIVE;
        Channel ch = ctx.channel();
        HealthTimer t = TimerWheels.forExecutor(ctx.executor());
        timer = t;
        subject = HealthSubject.of(ch, prober.protocol(), wantsRemoteAddress());
        inspector = KernelInspectors.forChannel(ch);
        sampleOnTick = inspector != KernelInspector.NONE && recorder != HealthRecorder.NOOP;
        Entry e = new Entry(this);
        entry = e;
        e.activate(policy, t.preciseNow());
        lastRx = e.lastRx();
        probing = false;
        t.schedule(e);
        stateChanged(HealthState.CLOSED, HealthState.ACTIVE);
    }

    private boolean wantsRemoteAddress() {
        try {
            return recorder.tagsRemoteAddress();
        } catch (Throwable failure) {
            recorderFailed(failure);
            return false;
        }
    }

    private void destroy() {
        if (lifecycle == DESTROYED) {
            return;
        }
        lifecycle = DESTROYED;
        Entry e = entry;
        if (e != null) {
            entry = null;
            HealthState before = e.state();
            HealthTimer t = timer;
            if (t != null) {
                t.cancel(e);
            }
            e.close();
            stateChanged(before, HealthState.CLOSED);
        }
    }

    /** Rows 6 to 11: the timer fired. */
    private void onTick(Entry e, long now) {
        ChannelHandlerContext c = ctx;
        HealthTimer t = timer;
        if (c == null || t == null || entry != e) {
            return;
        }
        Channel ch = c.channel();
        if (!ch.isOpen()) {
            return;
        }
        long pending = 0;
        int mark = HealthStateMachine.NO_BACKLOG;
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        if (buffer != null) {
            Object current = buffer.current();
            if (current != null) {
                // Flushed data waits; unflushed data alone is the application's business, not a stall.
                pending = buffer.totalPendingWriteBytes();
                mark = System.identityHashCode(current) * 31 + (int) buffer.currentProgress();
            }
        }
        boolean inputShutdown = false;
        boolean outputShutdown = false;
        if (ch instanceof DuplexChannel) {
            DuplexChannel duplex = (DuplexChannel) ch;
            inputShutdown = duplex.isInputShutdown();
            outputShutdown = duplex.isOutputShutdown();
        }
        if (sampleOnTick || pending != 0 && inspector != KernelInspector.NONE) {
            // One getsockopt(TCP_INFO) per tick, never per message; only for a recorder, or while writes wait (the
            // kernel may then end the connection on the write path, when the socket can no longer be sampled).
            KernelSample sample = inspector.sample(ch);
            if (sample != null) {
                lastSample = sample;
                if (sampleOnTick) {
                    try {
                        recorder.kernelSample(subject, sample);
                    } catch (Throwable failure) {
                        recorderFailed(failure);
                    }
                }
            }
        }
        HealthState before = sync(e).state();
        TickAction action = e.onTick(policy, now, pending, mark, ch.isWritable(), inputShutdown, outputShutdown);
        switch (action) {
            case REARM:
                t.schedule(e);
                break;
            case PROBE:
                t.schedule(e);
                probing = true;
                probe(c, t, e, before);
                break;
            case DEAD:
                DeathReason reason = e.deathReason();
                assert reason != null;
                report(c, e, before, reason, now, pendingBytes(ch), null);
                break;
            case SUSPEND:
                stateChanged(before, HealthState.SUSPENDED);
                break;
            default:
                break;
        }
    }

    private void probe(ChannelHandlerContext c, HealthTimer t, Entry e, HealthState before) {
        int n = e.probesOut();
        if (n == 1) {
            stateChanged(before, HealthState.PROBING);
            c.fireUserEventTriggered(PeerIdle.INSTANCE);
        }
        c.fireUserEventTriggered(ProbeSent.of(n));
        try {
            recorder.probeSent(subject, n);
        } catch (Throwable failure) {
            recorderFailed(failure);
        }
        prober.sendProbe(c, t.preciseNow());
    }

    /**
     * A reply to one of our probes: proof of life, and a round-trip time when its id is the send time of a probe of
     * the current probing episode (sent at or after {@code lastRx + idle}, and not in the future).
     */
    private void onReply(Entry e, HealthTimer t, Object reply) {
        long id = prober.replyId(reply);
        ReferenceCountUtil.release(reply);
        long now = t.preciseNow();
        sync(e);
        boolean fromThisEpisode = e.probesOut() != 0 && id != Prober.NO_ID
                && id - (e.lastRx() + policy.idleNanos()) >= 0 && now - id >= 0;
        lastRx = t.stamp();
        e.touch(lastRx);
        if (e.probesOut() != 0) {
            acknowledged(e, fromThisEpisode ? now - id : ProbeAcked.UNKNOWN_RTT);
        }
    }

    private void acknowledged(Entry e, long rttNanos) {
        probing = false;
        int n = e.acknowledge();
        ChannelHandlerContext c = ctx;
        assert c != null;
        stateChanged(HealthState.PROBING, HealthState.ACTIVE);
        c.fireUserEventTriggered(new ProbeAcked(n, rttNanos));
        try {
            recorder.probeAcked(subject, n, rttNanos);
        } catch (Throwable failure) {
            recorderFailed(failure);
        }
    }

    /** Hands the latest inbound stamp to the machine; call before asking the machine anything. */
    private Entry sync(Entry e) {
        e.touch(lastRx);
        return e;
    }

    /** Row 10 (and kernel verdicts): event, exception, one abortive close. */
    private void report(ChannelHandlerContext c, Entry e, HealthState before, DeathReason reason, long now,
                        long pending, @Nullable Throwable cause) {
        Channel ch = c.channel();
        KernelSample sample = inspector.sample(ch);
        sync(e);
        Evidence evidence = new Evidence(now - e.lastRx(), e.probesOut(), pending,
                pending == 0 ? 0 : now - e.lastWriteProgress(), sample != null ? sample : lastSample);
        PeerDead verdict = new PeerDead(reason, evidence);
        stateChanged(before, HealthState.DEAD);
        try {
            recorder.peerDead(subject, verdict);
        } catch (Throwable failure) {
            recorderFailed(failure);
        }
        c.fireUserEventTriggered(verdict);
        c.fireExceptionCaught(new DeadPeerException(verdict, policy, cause));
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
            // The transport cannot linger-0; an orderly close will have to do.
        }
        c.close();
    }

    /** The flushed payload bytes the peer has not taken yet (without Netty's per-message overhead). Cold path. */
    private static long pendingBytes(Channel ch) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        if (buffer == null || buffer.current() == null) {
            return 0;
        }
        PayloadCounter counter = new PayloadCounter();
        try {
            buffer.forEachFlushedMessage(counter);
        } catch (Exception e) {
            return buffer.totalPendingWriteBytes();
        }
        return counter.bytes;
    }

    /** Sums the readable bytes of flushed messages. */
    private static final class PayloadCounter implements ChannelOutboundBuffer.MessageProcessor {
        long bytes;

        @Override
        public boolean processMessage(Object msg) {
            if (msg instanceof ByteBuf) {
                bytes += ((ByteBuf) msg).readableBytes();
            } else if (msg instanceof ByteBufHolder) {
                bytes += ((ByteBufHolder) msg).content().readableBytes();
            } else if (msg instanceof FileRegion) {
                bytes += ((FileRegion) msg).count() - ((FileRegion) msg).transferred();
            }
            return true;
        }
    }

    private void stateChanged(HealthState from, HealthState to) {
        if (from == to) {
            return;
        }
        try {
            recorder.stateChanged(subject, from, to);
        } catch (Throwable failure) {
            recorderFailed(failure);
        }
    }

    private void recorderFailed(Throwable t) {
        if (!recorderFailureLogged) {
            recorderFailureLogged = true;
            logger.warn("HealthRecorder {} threw; the connection is not affected (further failures on this channel"
                    + " are logged at debug level).", recorder, t);
        } else {
            logger.debug("HealthRecorder {} threw again.", recorder, t);
        }
    }

    @Override
    public String toString() {
        Entry e = entry;
        return "KeepAliveHandler(" + (e == null ? "inactive" : e.state() + ", probesOut " + e.probesOut()) + ", "
                + policy + ")";
    }

    /** The channel's health state and timer entry in one object. */
    private static final class Entry extends HealthStateMachine {
        private final KeepAliveHandler owner;

        Entry(KeepAliveHandler owner) {
            this.owner = owner;
        }

        @Override
        protected void onTimerExpired(long now) {
            owner.onTick(this, now);
        }
    }
}
