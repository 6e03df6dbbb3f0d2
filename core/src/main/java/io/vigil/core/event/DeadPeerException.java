package io.vigil.core.event;

import io.vigil.core.policy.DurationFormat;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.policy.KeepAlivePolicy;
import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Fired down the pipeline (with {@code fireExceptionCaught}) when Vigil declares a peer dead, just before it
 * closes the channel: the userspace analogue of the kernel's {@code ETIMEDOUT}. The message states what was
 * measured against which limit, with units. It has no stack trace: where it was thrown says nothing.
 *
 * @since 0.1
 */
public final class DeadPeerException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient PeerDead verdict;

    /**
     * Creates the exception for a verdict.
     *
     * @param verdict the verdict
     * @param policy the policy in force, to state the limits
     * @param cause the kernel's error for a {@code KERNEL_*} verdict, otherwise null
     */
    public DeadPeerException(PeerDead verdict, KeepAlivePolicy policy, @Nullable Throwable cause) {
        super(describe(verdict, policy), cause);
        this.verdict = Objects.requireNonNull(verdict, "verdict");
    }

    /**
     * Returns the verdict this exception reports.
     *
     * @return the verdict
     */
    public PeerDead verdict() {
        return verdict;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** States a verdict as measured value against limit, with units. */
    static String describe(PeerDead verdict, KeepAlivePolicy policy) {
        Evidence e = verdict.evidence();
        String silent = ms(e.sinceLastInboundNanos());
        String limit = ms(policy.silentPeerVerdict().toNanos());
        switch (verdict.reason()) {
            case PROBES_UNANSWERED:
                return "peer dead: " + e.probesOut() + " probes unanswered, no inbound for " + silent + " >= limit "
                        + limit + " (idle " + ms(policy.idleNanos()) + " + " + policy.probes() + " × interval "
                        + ms(policy.intervalNanos())
                        + (policy.userTimeoutNanos() == 0 ? "" : ", user timeout " + ms(policy.userTimeoutNanos()))
                        + ")";
            case USER_TIMEOUT:
                return "peer dead: no inbound for " + silent + " >= user timeout " + ms(policy.userTimeoutNanos())
                        + ", with " + e.probesOut() + " probe" + (e.probesOut() == 1 ? "" : "s") + " unanswered";
            case PROBES_UNWRITABLE:
                return "peer not heard from for " + silent + ", but none of its " + e.probesOut() + " probe"
                        + (e.probesOut() == 1 ? "" : "s") + " could be written: the channel cannot carry probes"
                        + " (see the ProbeFailed events for the cause)";
            case WRITE_STALLED:
                return "peer dead: " + e.pendingBytes() + " bytes pending made no write progress for "
                        + ms(e.sinceWriteProgressNanos()) + " >= user timeout " + ms(policy.userTimeoutNanos());
            case KERNEL_TIMEOUT:
                return "peer dead: the kernel timed the connection out (ETIMEDOUT)" + kernelDetail(e, limit);
            case KERNEL_UNREACHABLE:
                return "peer dead: the kernel reports the peer unreachable with data in flight"
                        + kernelDetail(e, limit);
            default:
                throw new AssertionError(verdict.reason());
        }
    }

    private static String kernelDetail(Evidence e, String limit) {
        KernelSample k = e.kernel();
        if (k == null) {
            return "; no TCP_INFO sample";
        }
        return ": " + k.probes() + " keepalive probes unanswered, last ACK " + ms(k.lastAckReceivedMillis() * 1_000_000L)
                + " ago, " + k.unacked() + " segments unacked, " + k.retransmits() + " retransmits (limit "
                + limit + " after the last segment)";
    }

    private static String ms(long nanos) {
        return DurationFormat.formatNanos(nanos);
    }
}
