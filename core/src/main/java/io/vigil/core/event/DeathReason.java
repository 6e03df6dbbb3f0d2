package io.vigil.core.event;

/**
 * Why a peer was declared dead.
 *
 * @since 0.1
 */
public enum DeathReason {
    /** The policy's probes all went unanswered (with a user timeout: at least that many did). */
    PROBES_UNANSWERED,
    /** The user timeout passed with at least one probe unanswered, before the probe count was reached. */
    USER_TIMEOUT,
    /**
     * No probe of the episode could be written (each write failed), so the peer was never asked: the channel cannot
     * carry probes. Given where a silent peer would have been declared dead, instead of blaming the peer.
     */
    PROBES_UNWRITABLE,
    /** Pending writes made no progress for the user timeout (a stuck peer, or a zero window). */
    WRITE_STALLED,
    /** The kernel closed the socket with {@code ETIMEDOUT}: its keepalive or user timeout gave up. */
    KERNEL_TIMEOUT,
    /** The kernel reported {@code EHOSTUNREACH} or {@code ENETUNREACH} with data in flight. */
    KERNEL_UNREACHABLE;

    /**
     * Tells whether the kernel, not Vigil's userspace layer, made this verdict.
     *
     * @return true for the {@code KERNEL_*} reasons
     */
    public boolean isKernel() {
        return this == KERNEL_TIMEOUT || this == KERNEL_UNREACHABLE;
    }
}
