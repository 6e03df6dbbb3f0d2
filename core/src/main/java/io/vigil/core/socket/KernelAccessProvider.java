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

    /**
     * Returns the access to a <em>listening</em> socket's kernel options, if this provider can set them there (so that
     * the sockets it accepts inherit them, see {@link AcceptPath#LISTENER}). Netty's native server channels refuse
     * the typed {@code TCP_*} constants, so a native provider sets raw socket options.
     *
     * @param serverChannel the server channel, registered, not yet bound
     * @return the access, or null (the default) if this provider does not know the transport or cannot set the
     *         options on its listener
     * @since 0.2
     */
    default @Nullable KernelOptionAccess listenerOptionAccessFor(Channel serverChannel) {
        return null;
    }
}
