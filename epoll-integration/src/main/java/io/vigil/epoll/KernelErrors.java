package io.vigil.epoll;

import io.netty.channel.unix.Errors;
import io.vigil.core.event.DeathReason;
import org.jspecify.annotations.Nullable;

/** Recognises the kernel's verdicts in the errors Netty's native transports raise. */
final class KernelErrors {

    /**
     * {@code ETIMEDOUT}, which Netty does not export: 110 in {@code asm-generic/errno.h}, the value on every
     * architecture Netty ships a native library for (x86_64, aarch64, riscv64).
     */
    static final int ETIMEDOUT = 110;

    /** How far down a cause chain to look for the native error. */
    private static final int MAX_DEPTH = 4;

    private KernelErrors() {
    }

    /**
     * Maps a socket error to a kernel verdict: {@code ETIMEDOUT} (the kernel's keepalive, user timeout or
     * retransmission limit gave up) to {@link DeathReason#KERNEL_TIMEOUT}; {@code EHOSTUNREACH} and
     * {@code ENETUNREACH} (an ICMP error for data in flight, reported when the kernel gave up) to
     * {@link DeathReason#KERNEL_UNREACHABLE}.
     *
     * @param cause an exception caught on a channel
     * @return the reason, or null if the error is not one of these
     */
    static @Nullable DeathReason classify(Throwable cause) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof Errors.NativeIoException) {
                return classifyErrno(Math.abs(((Errors.NativeIoException) t).expectedErr()));
            }
        }
        return null;
    }

    /**
     * Maps an errno to a kernel verdict.
     *
     * @param errno the positive errno
     * @return the reason, or null
     */
    static @Nullable DeathReason classifyErrno(int errno) {
        if (errno == ETIMEDOUT) {
            return DeathReason.KERNEL_TIMEOUT;
        }
        if (errno == -Errors.ERROR_EHOSTUNREACH_NEGATIVE || errno == -Errors.ERROR_ENETUNREACH_NEGATIVE) {
            return DeathReason.KERNEL_UNREACHABLE;
        }
        return null;
    }
}
