package io.vigil.core.machine;

import io.vigil.core.event.DeathReason;
import io.vigil.core.internal.timer.TimerEntry;
import io.vigil.core.policy.KeepAlivePolicy;
import org.jspecify.annotations.Nullable;

/**
 * The userspace mirror of Linux's {@code tcp_keepalive_timer}: one connection's health state and the rules that
 * move it, with no Netty types, no clock of its own and no allocation.
 *
 * <p>The caller feeds it events and the current time; on each timer tick it hands in a snapshot of the channel
 * and gets back one {@link TickAction}. The rules, evaluated in this order on a tick (rows of the table in
 * KEEPALIVE-SPEC.md):
 * <ol>
 *   <li value="6">input or output shut down: stop probing ({@link HealthState#SUSPENDED});</li>
 *   <li value="7">writes pending or the channel not writable, with write progress within the user timeout:
 *       re-arm at {@code now + idle}, no probe (it would queue behind the data);</li>
 *   <li value="8">writes pending with no progress for the user timeout: dead, {@link DeathReason#WRITE_STALLED};</li>
 *   <li value="9">{@code elapsed = now - lastRx < idle}: re-arm at {@code lastRx + idle};</li>
 *   <li value="10">{@code uto > 0 && elapsed >= uto && probesOut > 0}, or {@code uto == 0 && probesOut >= probes}:
 *       dead, {@link DeathReason#PROBES_UNANSWERED} (or {@link DeathReason#USER_TIMEOUT} when the user timeout cut
 *       probing short of the probe count);</li>
 *   <li value="11">otherwise: send a probe, {@code probesOut++} at once, re-arm {@code interval} after the tick's
 *       deadline (after {@code now} if the tick came more than an interval late).</li>
 * </ol>
 * Any inbound message stamps {@code lastRx} ({@link #touch}) and resets the probe count ({@link #acknowledge}),
 * without touching the timer. With the last inbound message at t = 0 and a silent peer, probes go out at
 * {@code idle + k × interval} and the verdict comes at {@link KeepAlivePolicy#silentPeerVerdict()}.
 *
 * <p>The machine is itself the {@link TimerEntry} its timer holds, so one object per channel carries all health
 * and timer state. It writes {@link #deadline()}; the caller passes it to the timer.
 *
 * <p><b>Thread safety:</b> not thread-safe; confined to the channel's event loop.
 *
 * @since 0.1
 */
public abstract class HealthStateMachine extends TimerEntry {

    /**
     * The progress mark that means "nothing pending". A caller's real marks must differ from it; see
     * {@link #progressMark(int)}.
     */
    public static final int NO_BACKLOG = Integer.MIN_VALUE;

    private static final HealthState[] STATES = HealthState.values();
    private static final DeathReason[] REASONS = DeathReason.values();
    private static final byte NO_REASON = -1;

    private long lastRx;
    private long lastWriteProgress;
    private int progressMark = NO_BACKLOG;
    private int probesOut;
    private byte state = (byte) HealthState.CLOSED.ordinal();
    private byte reason = NO_REASON;

    /** Creates a machine that is not yet active. */
    protected HealthStateMachine() {
    }

    /**
     * Turns an outbound-buffer fingerprint into a progress mark that never equals {@link #NO_BACKLOG}.
     *
     * @param fingerprint any value that changes when pending writes make progress
     * @return the mark
     */
    public static int progressMark(int fingerprint) {
        return fingerprint == NO_BACKLOG ? NO_BACKLOG + 1 : fingerprint;
    }

    /**
     * Row 1: the channel became active (or the handler was added to an active channel). Stamps {@code lastRx},
     * arms at {@code now + idle}.
     *
     * @param policy the policy in force
     * @param now the current time, nanoseconds
     */
    public final void activate(KeepAlivePolicy policy, long now) {
        lastRx = now;
        lastWriteProgress = now;
        progressMark = NO_BACKLOG;
        probesOut = 0;
        reason = NO_REASON;
        state = (byte) HealthState.ACTIVE.ordinal();
        deadline = now + policy.idleNanos();
    }

    /**
     * Row 3, first half: inbound traffic was seen. One store; the timer is not touched. Call {@link #acknowledge()}
     * next if {@link #probesOut()} is not zero.
     *
     * @param stamp the arrival time (the timer's {@code stamp()}), nanoseconds
     */
    public final void touch(long stamp) {
        lastRx = stamp;
    }

    /**
     * Row 3, second half: the peer proved alive, so the probe count goes back to zero.
     *
     * @return how many probes were outstanding
     */
    public final int acknowledge() {
        int n = probesOut;
        probesOut = 0;
        if (state == HealthState.PROBING.ordinal()) {
            state = (byte) HealthState.ACTIVE.ordinal();
        }
        return n;
    }

    /**
     * Rows 6 to 11: the timer fired. Decides what to do from a snapshot of the channel.
     *
     * @param policy the policy in force (changes of interval, probes and user timeout apply here)
     * @param now the timer's time at this tick, nanoseconds
     * @param pendingBytes flushed bytes waiting in the outbound buffer
     * @param progressMark a {@linkplain #progressMark(int) fingerprint} of the outbound buffer that changes when
     *        pending writes make progress; ignored when nothing is pending
     * @param writable whether the channel is writable
     * @param inputShutdown whether the input side is shut down
     * @param outputShutdown whether the output side is shut down
     * @return the action; on {@link TickAction#REARM} and {@link TickAction#PROBE} the new {@link #deadline()}
     */
    public final TickAction onTick(KeepAlivePolicy policy, long now, long pendingBytes, int progressMark,
                                   boolean writable, boolean inputShutdown, boolean outputShutdown) {
        if (state != HealthState.ACTIVE.ordinal() && state != HealthState.PROBING.ordinal()) {
            return TickAction.NONE;
        }
        // Row 6: half-closed.
        if (inputShutdown || outputShutdown) {
            state = (byte) HealthState.SUSPENDED.ordinal();
            return TickAction.SUSPEND;
        }
        long userTimeout = policy.userTimeoutNanos();
        // Rows 7 and 8: busy.
        if (pendingBytes > 0 || !writable) {
            int mark = progressMark(progressMark);
            if (this.progressMark == NO_BACKLOG || this.progressMark != mark) {
                this.progressMark = mark;
                lastWriteProgress = now;
            }
            if (userTimeout > 0 && now - lastWriteProgress >= userTimeout) {
                return die(DeathReason.WRITE_STALLED);
            }
            deadline = now + policy.idleNanos();
            return TickAction.REARM;
        }
        this.progressMark = NO_BACKLOG;
        lastWriteProgress = now;
        // Row 9: heard from within idle.
        long elapsed = now - lastRx;
        if (elapsed < policy.idleNanos()) {
            deadline = lastRx + policy.idleNanos();
            return TickAction.REARM;
        }
        // Row 10: give up.
        if (userTimeout > 0 ? elapsed >= userTimeout && probesOut > 0 : probesOut >= policy.probes()) {
            return die(userTimeout > 0 && probesOut < policy.probes()
                    ? DeathReason.USER_TIMEOUT : DeathReason.PROBES_UNANSWERED);
        }
        // Row 11: probe.
        probesOut++;
        state = (byte) HealthState.PROBING.ordinal();
        long interval = policy.intervalNanos();
        long base = now - deadline < interval ? deadline : now;
        deadline = base + interval;
        return TickAction.PROBE;
    }

    /**
     * Row 5: the idle time changed at runtime (the other settings apply at the next tick by themselves). Like
     * {@code TCP_KEEPIDLE} on a live socket, re-arms at {@code now + max(0, idle - (now - lastRx))}.
     *
     * @param policy the new policy
     * @param now the current time, nanoseconds
     * @return true if the deadline changed and the caller must re-arm the timer
     */
    public final boolean onIdleChanged(KeepAlivePolicy policy, long now) {
        if (state != HealthState.ACTIVE.ordinal() && state != HealthState.PROBING.ordinal()) {
            return false;
        }
        long remaining = policy.idleNanos() - (now - lastRx);
        deadline = now + Math.max(0, remaining);
        return true;
    }

    /**
     * The kernel declared the peer dead (its error surfaced on the socket). The caller cancels the timer.
     *
     * @param why a {@code KERNEL_*} reason
     * @return true if the machine was live (active, probing or suspended) and is now dead; false if it was
     *         already dead or closed
     */
    public final boolean onKernelVerdict(DeathReason why) {
        if (state == HealthState.DEAD.ordinal() || state == HealthState.CLOSED.ordinal()) {
            return false;
        }
        die(why);
        return true;
    }

    /** Row 2: the channel closed or the handler was removed. The caller cancels the timer. */
    public final void close() {
        state = (byte) HealthState.CLOSED.ordinal();
    }

    private TickAction die(DeathReason why) {
        state = (byte) HealthState.DEAD.ordinal();
        reason = (byte) why.ordinal();
        return TickAction.DEAD;
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
     * @return the reason, or null unless the state is {@link HealthState#DEAD}
     */
    public final @Nullable DeathReason deathReason() {
        return reason == NO_REASON ? null : REASONS[reason];
    }

    /**
     * Returns the time of the last inbound message (or of activation).
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
     * Returns how many probes are outstanding.
     *
     * @return 0 while {@link HealthState#ACTIVE}
     */
    public final int probesOut() {
        return probesOut;
    }
}
