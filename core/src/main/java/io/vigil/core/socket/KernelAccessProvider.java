package io.vigil.core.socket;

import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

/**
 * Offers a {@link KernelInspector}, and the {@link KernelOptionAccess} that sets and reads the kernel options, for
 * the channels it knows: a native transport's plug-in. Registered in
 * {@code META-INF/services/io.vigil.core.socket.KernelAccessProvider}.
 *
 * <p><b>Thread safety:</b> must be thread-safe.
 *
 * @since 0.1
 */
public interface KernelAccessProvider {

    /**
     * Returns an inspector for this channel, if this provider knows its transport.
     *
     * @param channel the channel
     * @return the inspector, or null
     */
    @Nullable KernelInspector inspectorFor(Channel channel);

    /**
     * Returns the access to this channel's kernel options, if this provider knows its transport.
     *
     * @param channel the channel
     * @return the access, or null (the default)
     */
    default @Nullable KernelOptionAccess optionAccessFor(Channel channel) {
        return null;
    }

    /**
     * Returns the access to the kernel options of a transport's sockets, by channel class (a socket channel or the
     * server channel that accepts them), for code that must name options before any channel exists.
     *
     * @param channelType e.g. {@code EpollServerSocketChannel.class}
     * @return the access, or null (the default) if this provider does not know the transport
     * @since 0.1
     */
    default @Nullable KernelOptionAccess optionAccessFor(Class<? extends Channel> channelType) {
        return null;
    }
}
