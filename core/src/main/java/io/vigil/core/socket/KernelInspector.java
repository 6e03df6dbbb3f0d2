package io.vigil.core.socket;

import io.netty.channel.Channel;
import io.vigil.core.event.DeathReason;
import io.vigil.core.kernel.KernelSample;
import org.jspecify.annotations.Nullable;

/**
 * Reads the kernel's view of one kind of socket. Implemented by the native transports (module
 * {@code vigil-epoll}) and found through {@link KernelAccess}.
 *
 * <p><b>Thread safety:</b> called on the channel's event loop; implementations serve many channels and must be
 * thread-safe.
 *
 * @since 0.1
 */
public interface KernelInspector {

    /** An inspector for transports with no kernel view: it samples nothing and recognises no kernel verdict. */
    KernelInspector NONE = new KernelInspector() {
        @Override
        public @Nullable KernelSample sample(Channel channel) {
            return null;
        }

        @Override
        public @Nullable DeathReason classify(Throwable cause) {
            return null;
        }

        @Override
        public String toString() {
            return "KernelInspector.NONE";
        }
    };

    /**
     * Samples {@code TCP_INFO}. Called when the health timer fires or a verdict is made, never per message.
     *
     * @param channel the channel
     * @return the sample, or null where the transport has none or the socket is gone
     */
    @Nullable KernelSample sample(Channel channel);

    /**
     * Recognises a kernel verdict in a socket error: {@code ETIMEDOUT} is {@link DeathReason#KERNEL_TIMEOUT},
     * {@code EHOSTUNREACH} and {@code ENETUNREACH} are {@link DeathReason#KERNEL_UNREACHABLE}.
     *
     * @param cause an exception caught on the channel
     * @return the reason, or null if the error is not a kernel verdict
     */
    @Nullable DeathReason classify(Throwable cause);
}
