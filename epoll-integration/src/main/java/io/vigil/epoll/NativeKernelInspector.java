package io.vigil.epoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.vigil.core.event.DeathReason;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.socket.KernelInspector;
import org.jspecify.annotations.Nullable;

/**
 * What the epoll and io_uring inspectors share: no sample from a closed socket or a failed {@code getsockopt}, and
 * the kernel's verdicts read from {@code NativeIoException}s ({@link KernelErrors}).
 *
 * <p><b>Thread safety:</b> implementations are thread-safe.
 */
abstract class NativeKernelInspector implements KernelInspector {

    @Override
    public final @Nullable KernelSample sample(Channel channel) {
        if (!channel.isOpen()) {
            return null;
        }
        try {
            return tcpInfo(channel);
        } catch (ChannelException e) {
            return null;
        }
    }

    /**
     * Reads {@code TCP_INFO} of an open socket of this inspector's transport.
     *
     * @param channel the channel
     * @return the sample
     * @throws ChannelException if {@code getsockopt} failed
     */
    abstract KernelSample tcpInfo(Channel channel);

    @Override
    public final @Nullable DeathReason classify(Throwable cause) {
        return KernelErrors.classify(cause);
    }
}
