package io.vigil.core.machine;

import io.vigil.core.event.DeathReason;
import io.vigil.core.internal.timer.TimerEntry;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelClock;
import org.jspecify.annotations.Nullable;

/**
 * The userspace mirror of Linux's {@code tcp_keepalive_timer}: one connection's health state and the rules that
 * move it, with no Netty types, no clock of its own and no allocation. The machine is the one owner of that state:
 * the time of the last inbound message, the probes outstanding, write progress, the state and the verdict's reason.
 * The rules are the rows of the transition table in the {@linkplain io.vigil.core.machine package documentation}.
 *
 * <p>The caller feeds it events and the current time. The read path may keep the stamp of the latest inbound
 * message itself (it touches its own object anyway) and pass it in: every method that reads the time of the last
 * inbound message takes that stamp as its {@code latestInbound} argument, and the machine keeps the later of it
 * and what it already knew. On each timer tick the caller hands in a snapshot of the channel and gets back one
 * {@link TickAction}; a verdict's action carries its reason.
 *
 * <p>Every state change is reported to {@link #onTransition(HealthState, HealthState)} as it happens, so a caller
 * that counts connections per state stays exact on every path (probing, suspension, verdict, close).
 *
 * <p>The machine is itself the {@link TimerEntry} its timer holds, so one object per channel carries all health
 * and timer state. It writes {@link #deadline()}; the caller passes it to the timer.
 *
 * <p><b>The grid.</b> When {@link #clock()} is not {@link KernelClock#NOMINAL} (the handler's default), the
 * machine replays the kernel's {@code tcp_keepalive_timer} in jiffies: each deadline is the start of the jiffy at which the kernel's
 * timer wheel fires the kernel's own timer for the same policy and last arrival (re-armed from the previous expiry,
 * rounded up to its wheel level's granularity), and elapsed times and the user timeout are compared in jiffies as the
 * kernel compares them. See the timing section of the {@linkplain io.vigil.core.machine package documentation}.
 *
 * <p><b>Thread safety:</b> not thread-safe; confined to the channel's event loop.
 *
 * @since 0.1
 */
public abstract class HealthStateMachine extends TimerEntry {

    private static final HealthState[] STATES = HealthState.values();
    private static final DeathReason[] REASONS = DeathReason.values();
    private static final byte NO_REASON = -1;
    /** Writes were pending at the latest tick; {@code progressMark} holds their fingerprint. */
    private static final byte BACKLOG = 1;
    /** A verdict was put off once because the caller's loop lagged; cleared by proof of life or write progress. */
    private static final byte LAG_FORGIVEN = 2;

    private long lastRx;
    private long lastWriteProgress;
    private int progressMark;
    private int probesOut;
    private byte probesUnwritten;
    private byte state = (byte) HealthState.CLOSED.ordinal();
    private byte reason = NO_REASON;
    /** {@link #BACKLOG} and {@link #LAG_FORGIVEN}, in one byte to keep the whole entry in 64 bytes. */
    private byte flags;

    /** Creates a machine that is not yet active. */
    protected HealthStateMachine() {
    }

    /**
     * Returns the clock whose grid the deadlines follow: the kernel's clock in the caller's ticker time
     * ({@link KernelClock#forTickerOrigin(long)}), or {@link KernelClock#NOMINAL} (the default). A method rather
     * than a field, so that the machine stays within 64 bytes: the caller usually holds the clock already. It must
     * return the same clock for the machine's whole life.
     *
     * @return the clock
     */
    public KernelClock clock() {
        return KernelClock.NOMINAL;
    }

    /**
     * Called on every state change the machine makes, as it makes it, on the caller's thread.
     *
     * @param from the state before
     * @param to the state after, never equal to {@code from}
     */
    protected abstract void onTransition(HealthState from, HealthState to);

    /**
     * Row 1: the channel became active (or the handler was added to an active channel). The last inbound time
     * becomes {@code now}; arms at {@code now + idle}.
     *
     * @param policy the policy in force
     * @param now the current time, nanoseconds
     */
    public final void activate(KeepAlivePolicy policy, long now) {
        KernelClock clock = clock();
        lastRx = now;
        lastWriteProgress = now;
        flags = 0;
        probesOut = 0;
        probesUnwritten = 0;
        reason = NO_REASON;
        // The kernel arms keepalive a whole idle ahead, outside a timer callback, when the connection is established.
        long idle = clock.toJiffies(policy.idleNanos());
        deadline = clock.startNanos(clock.fireJiffy(clock.jiffyAt(now) + idle, idle));
        moveTo(HealthState.ACTIVE);
    }

    /**
     * Row 3: inbound traffic arrived. The peer is alive: the probe count goes back to zero and, if it was being
     * probed, the machine returns to {@link HealthState#ACTIVE}. The timer is not touched.
     *
     * @param stamp the arrival time (an upper bound of it), nanoseconds
     * @return how many probes were outstanding while {@link HealthState#PROBING} (the probing episode this message
     *         ended), otherwise 0
     */
    public final int onInbound(long stamp) {
        observeInbound(stamp);
        int n = probesOut;
        probesOut = 0;
        probesUnwritten = 0;
        flags &= ~LAG_FORGIVEN;
        if (n == 0 || state != HealthState.PROBING.ordinal()) {
            return 0;
        }
        moveTo(HealthState.ACTIVE);
        return n;
    }

    /**
     * The caller learned a tighter upper bound of the latest arrival than the stamps it passed (a clock read after
     * the data was read): the last arrival is lowered to it. It must be no earlier than any arrival the machine was
     * told of; the time of the call itself always is.
     *
     * @param bound an upper bound of the latest arrival, nanoseconds
     */
    public final void refineInbound(long bound) {
        if (bound - lastRx < 0) {
            lastRx = bound;
        }
    }

    /**
     * Rows 6 to 11: the timer fired. Decides what to do from a snapshot of the channel.
     *
     * @param policy the policy in force (changes of interval, probes and user timeout apply here)
     * @param now the timer's time at this tick, nanoseconds; it may be before {@link #deadline()} when the caller
     *        runs the tick early (probe jitter), and the tick then stands for its deadline: only what is sent moves
     * @param seen what the caller saw of its channel; read during the call only
     * @return the action; on {@link TickAction#REARM} and {@link TickAction#PROBE} the new {@link #deadline()}
     */
    public final TickAction onTick(KeepAlivePolicy policy, long now, ChannelSnapshot seen) {
        KernelClock clock = clock();
        if (!isArmedState()) {
            return TickAction.NONE;
        }
        observeInbound(seen.latestInbound);
        if (seen.receiptKnown) {
            // The kernel's receipt of the latest data is the truth: it supersedes the stamps (upper bounds).
            lastRx = seen.receipt;
        }
        // The expiry this tick stands for: the kernel ran its timer at that jiffy, however late our loop is.
        long expiry = clock.jiffyAt(deadline);
        // Row 6: half-closed.
        if (seen.inputShutdown || seen.outputShutdown) {
            moveTo(HealthState.SUSPENDED);
            return TickAction.SUSPEND;
        }
        long userTimeout = policy.userTimeoutNanos();
        // Rows 7 and 8: busy, with flushed data waiting or, as the kernel sees it, data in flight.
        if (seen.pendingBytes > 0 || seen.kernelInFlight) {
            if ((flags & BACKLOG) == 0) {
                writeProgress(now, seen.progressFingerprint);
            } else if (seen.kernelView) {
                if (!seen.kernelRetransmitting && seen.kernelSentAt - lastWriteProgress > 0) {
                    writeProgress(now - seen.kernelSentAt > 0 ? seen.kernelSentAt : now, seen.progressFingerprint);
                }
            } else if (progressMark != seen.progressFingerprint) {
                writeProgress(now, seen.progressFingerprint);
            }
            // Our loop's lag explains a stall only where progress is judged by our own writes, not by the kernel's.
            if (userTimeout > 0 && now - lastWriteProgress >= userTimeout && (seen.kernelView || !forgiveLag(seen))) {
                return die(DeathReason.WRITE_STALLED);
            }
            // Back when the user timeout runs out after the last progress, or after a whole idle, whichever is first.
            long stalledAt = lastWriteProgress + userTimeout;
            if (userTimeout > 0 && stalledAt - now > 0 && stalledAt - (now + policy.idleNanos()) < 0) {
                deadline = stalledAt;
            } else {
                rearmFullIdle(policy, now, expiry);
            }
            return TickAction.REARM;
        }
        flags &= ~BACKLOG;
        lastWriteProgress = now;
        // Row 7, second half: unwritable with nothing flushed (a shaper or the application holds the data, which is
        // no stall), or reads paused with no kernel view of what arrived: no probe, and the silence counts for
        // nothing until the channel can be observed again.
        if (!seen.writable || seen.readsPaused) {
            rearmFullIdle(policy, now, expiry);
            return TickAction.REARM;
        }
        // Row 9: heard from within idle (in jiffies on a kernel grid: the kernel's elapsed = expiry - R).
        long idle = clock.toJiffies(policy.idleNanos());
        long lastRxJiffy = clock.jiffyAt(lastRx);
        // The tick stands for its deadline even when the caller runs it early (probe jitter leads the first probe).
        long elapsed = clock.isNominal() ? (now - deadline > 0 ? now : deadline) - lastRx : expiry - lastRxJiffy;
        if (elapsed < idle) {
            // The lazy re-arm, from inside the kernel's timer callback (its wheel clock one jiffy ahead).
            deadline = clock.isNominal() ? lastRx + idle
                    : clock.startNanos(clock.fireJiffy(lastRxJiffy + idle, lastRxJiffy + idle - expiry - 1));
            return TickAction.REARM;
        }
        // Row 10: give up, unless the caller's own loop lagged with no kernel receipt to tell what arrived meanwhile:
        // then probe once more first. With the kernel's receipt, the silence is the kernel's, whatever our loop did.
        boolean verdictDue = userTimeout > 0 ? elapsed >= clock.toJiffies(userTimeout) && probesOut > 0
                : probesOut >= policy.probes();
        if (verdictDue && (seen.receiptKnown || !forgiveLag(seen))) {
            if (probesUnwritten >= probesOut) {
                return die(DeathReason.PROBES_UNWRITABLE);
            }
            return die(userTimeout > 0 && probesOut < policy.probes()
                    ? DeathReason.USER_TIMEOUT : DeathReason.PROBES_UNANSWERED);
        }
        // Row 11: probe.
        probesOut++;
        long interval = policy.intervalNanos();
        if (clock.isNominal()) {
            long base = now - deadline < interval ? deadline : now;
            deadline = base + interval;
        } else {
            long intervalJiffies = clock.toJiffies(interval);
            deadline = clock.startNanos(clock.fireJiffy(expiry + intervalJiffies, intervalJiffies - 1));
        }
        if (verdictDue && deadline - (now + interval) < 0) {
            // The local-stall guard's extra probe: the peer has a whole interval from now to answer it, however far
            // our loop fell behind the kernel's schedule (a deadline from that schedule may already have passed, and
            // the verdict would come before the loop had read what arrived while it stalled).
            deadline = now + interval;
        }
        moveTo(HealthState.PROBING);
        return TickAction.PROBE;
    }

    /** Pending writes made progress at {@code at}: a new write-stall episode starts there. */
    private void writeProgress(long at, int fingerprint) {
        flags = (byte) ((flags | BACKLOG) & ~LAG_FORGIVEN);
        progressMark = fingerprint;
        lastWriteProgress = at;
    }

    /** Rows 7: re-arm a whole idle ahead, from the expiry (inside the kernel's callback) on a kernel grid. */
    private void rearmFullIdle(KeepAlivePolicy policy, long now, long expiry) {
        KernelClock clock = clock();
        if (clock.isNominal()) {
            deadline = now + policy.idleNanos();
        } else {
            long idle = clock.toJiffies(policy.idleNanos());
            deadline = clock.startNanos(clock.fireJiffy(expiry + idle, idle - 1));
        }
    }

    /**
     * The local-stall guard: a verdict due while the caller's loop lagged is put off once (until proof of life or
     * write progress starts a new episode), so that it never rests on time the caller could not observe.
     */
    private boolean forgiveLag(ChannelSnapshot seen) {
        if (!seen.lagged || (flags & LAG_FORGIVEN) != 0) {
            return false;
        }
        flags |= LAG_FORGIVEN;
        return true;
    }

    /**
     * Row 5: the idle time changed at runtime (the other settings apply at the next tick by themselves). Like
     * {@code TCP_KEEPIDLE} on a live socket, re-arms at {@code now + max(0, idle - (now - lastRx))}.
     *
     * @param policy the new policy
     * @param now the current time, nanoseconds
     * @param latestInbound the stamp of the latest inbound message the caller saw, nanoseconds
     * @return true if the deadline changed and the caller must re-arm the timer
     */
    public final boolean onIdleChanged(KeepAlivePolicy policy, long now, long latestInbound) {
        KernelClock clock = clock();
        if (!isArmedState()) {
            return false;
        }
        observeInbound(latestInbound);
        if (clock.isNominal()) {
            long remaining = policy.idleNanos() - (now - lastRx);
            deadline = now + Math.max(0, remaining);
            return true;
        }
        // TCP_KEEPIDLE on a live socket: re-arm max(0, idle - elapsed) jiffies ahead, outside a timer callback.
        long nowJiffy = clock.jiffyAt(now);
        long ahead = Math.max(0, clock.toJiffies(policy.idleNanos()) - (nowJiffy - clock.jiffyAt(lastRx)));
        deadline = clock.startNanos(clock.fireJiffy(nowJiffy + ahead, ahead));
        return true;
    }

    /**
     * A probe of the current episode could not be written. It still counts as a probe; if no probe of the episode
     * was written when row 10 gives up, the verdict is {@link DeathReason#PROBES_UNWRITABLE}, not the peer's
     * silence.
     */
    public final void onProbeFailed() {
        if (probesUnwritten < probesOut && probesUnwritten < Byte.MAX_VALUE) {
            probesUnwritten++;
        }
    }

    /**
     * Stops application probing for good, without a verdict: the channel cannot carry probes (its pipeline cannot
     * encode them) and its caller reported why. The caller cancels the timer.
     *
     * @return true if the machine was armed (active or probing) and is now {@link HealthState#SUSPENDED}
     */
    public final boolean suspend() {
        if (!isArmedState()) {
            return false;
        }
        moveTo(HealthState.SUSPENDED);
        return true;
    }

    /**
     * The kernel declared the peer dead (its error surfaced on the socket). The caller cancels the timer.
     *
     * @param why a {@code KERNEL_*} reason
     * @param latestInbound the stamp of the latest inbound message the caller saw, nanoseconds
     * @return true if the machine was live (active, probing or suspended) and is now dead; false if it was
     *         already dead or closed
     */
    public final boolean onKernelVerdict(DeathReason why, long latestInbound) {
        if (state == HealthState.DEAD.ordinal() || state == HealthState.CLOSED.ordinal()) {
            return false;
        }
        observeInbound(latestInbound);
        die(why);
        return true;
    }

    /** Row 2: the channel closed or the handler was removed. The caller cancels the timer. */
    public final void close() {
        moveTo(HealthState.CLOSED);
    }

    private boolean isArmedState() {
        return state == HealthState.ACTIVE.ordinal() || state == HealthState.PROBING.ordinal();
    }

    /** Keeps the later of the known last arrival and the caller's latest stamp (wrap-safe). */
    private void observeInbound(long stamp) {
        if (stamp - lastRx > 0) {
            lastRx = stamp;
        }
    }

    private TickAction die(DeathReason why) {
        reason = (byte) why.ordinal();
        moveTo(HealthState.DEAD);
        return why.isKernel() ? TickAction.NONE : TickAction.deadFor(why);
    }

    private void moveTo(HealthState to) {
        HealthState from = STATES[state];
        if (from != to) {
            state = (byte) to.ordinal();
            onTransition(from, to);
        }
    }

    /**
     * Returns the state.
     *
     * @return the state; {@link HealthState#CLOSED} before {@link #activate}
     */
    public final HealthState state() {
        return STATES[state];
    }

    /**
     * Returns why the peer was declared dead.
     *
     * @return the reason, or null unless the peer was declared dead
     */
    public final @Nullable DeathReason deathReason() {
        return reason == NO_REASON ? null : REASONS[reason];
    }

    /**
     * Returns the time of the last inbound message the machine was told of (or of activation).
     *
     * @return nanoseconds
     */
    public final long lastRx() {
        return lastRx;
    }

    /**
     * Returns when pending writes last made progress (or when nothing was pending at the latest tick).
     *
     * @return nanoseconds
     */
    public final long lastWriteProgress() {
        return lastWriteProgress;
    }

    /**
     * Returns how many of the outstanding probes could not be written.
     *
     * @return at most {@link #probesOut()}
     */
    public final int probesUnwritten() {
        return probesUnwritten;
    }

    /**
     * Returns how many probes are outstanding.
     *
     * @return 0 while {@link HealthState#ACTIVE}
     */
    public final int probesOut() {
        return probesOut;
    }
}
