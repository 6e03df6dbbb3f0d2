package io.vigil.core.handler;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.vigil.core.event.DeathReason;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.socket.KernelAccess;
import io.vigil.core.socket.KernelInspector;
import org.jspecify.annotations.Nullable;

/**
 * One channel's view of what its kernel knows: {@code TCP_INFO} samples taken at ticks and verdicts (never per
 * message), the last sample kept for a verdict that comes when the socket can no longer be sampled, and the
 * recognition of the kernel's own verdicts in socket errors, including those Netty only keeps as a close cause.
 *
 * <p><b>Thread safety:</b> confined to the channel's event loop.
 */
final class KernelEvidence {

    private final KernelInspector inspector;
    private final boolean sampleEveryTick;
    private @Nullable KernelSample lastSample;

    /**
     * Finds the channel's inspector.
     *
     * @param ch the channel
     * @param recording whether a recorder wants a sample at every tick
     */
    KernelEvidence(Channel ch, boolean recording) {
        inspector = KernelAccess.inspector(ch);
        sampleEveryTick = recording && inspector != KernelInspector.NONE;
    }

    /**
     * At a tick: one {@code getsockopt(TCP_INFO)} when a recorder wants it, or while writes wait (the kernel may then
     * end the connection on the write path, when the socket can no longer be sampled).
     *
     * @param ch the channel
     * @param pendingBytes flushed bytes waiting
     * @return the sample for the recorder, or null when there is none or the recorder does not want it
     */
    @Nullable KernelSample sampleAtTick(Channel ch, long pendingBytes) {
        if (!sampleEveryTick && (pendingBytes == 0 || inspector == KernelInspector.NONE)) {
            return null;
        }
        KernelSample sample = inspector.sample(ch);
        if (sample != null) {
            lastSample = sample;
        }
        return sampleEveryTick ? sample : null;
    }

    /**
     * At a verdict: a fresh sample, or the last one if the socket is gone.
     *
     * @param ch the channel
     * @return the sample, or null where the transport has none
     */
    @Nullable KernelSample sampleAtVerdict(Channel ch) {
        KernelSample sample = inspector.sample(ch);
        return sample != null ? sample : lastSample;
    }

    /**
     * Recognises a kernel verdict in a socket error.
     *
     * @param cause the error
     * @return the {@code KERNEL_*} reason, or null
     */
    @Nullable DeathReason classify(Throwable cause) {
        return inspector.classify(cause);
    }

    /**
     * Finds the error Netty closed a channel for, when it is a kernel verdict. A kernel verdict that reaches Netty
     * on the write path (data still queued when the kernel gave up) fails the pending writes and closes the channel
     * without {@code exceptionCaught}; Netty keeps the error as the close cause, which a write to the closed
     * channel reports. Cold path: once per close, and only on transports with an inspector.
     *
     * @param ch the closed channel
     * @return the error, or null if the channel did not close for a kernel verdict
     */
    @Nullable Throwable kernelCloseCause(Channel ch) {
        if (inspector == KernelInspector.NONE || ch.unsafe().outboundBuffer() != null) {
            return null;
        }
        ChannelPromise attempt = ch.newPromise();
        ch.unsafe().write(Unpooled.EMPTY_BUFFER, attempt);
        Throwable failure = attempt.cause();
        Throwable cause = failure == null ? null : failure.getCause();
        return cause != null && inspector.classify(cause) != null ? cause : null;
    }
}
