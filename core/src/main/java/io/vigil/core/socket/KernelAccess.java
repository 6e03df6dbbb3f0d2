package io.vigil.core.socket;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import jdk.net.ExtendedSocketOptions;
import org.jspecify.annotations.Nullable;

/**
 * Finds the {@link KernelInspector} and the {@link KernelOptionAccess} for a channel among the
 * {@link KernelAccessProvider}s on the class path.
 *
 * <p><b>Thread safety:</b> thread-safe.
 *
 * @since 0.1
 */
public final class KernelAccess {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(KernelAccess.class);
    private static final List<KernelAccessProvider> PROVIDERS = load();

    private KernelAccess() {
    }

    private static List<KernelAccessProvider> load() {
        List<KernelAccessProvider> found = new ArrayList<>();
        try {
            for (KernelAccessProvider p : ServiceLoader.load(
                    KernelAccessProvider.class, KernelAccess.class.getClassLoader())) {
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            logger.warn("A KernelAccessProvider could not be loaded; kernel evidence is off for its transport.", e);
        }
        return List.copyOf(found);
    }

    /**
     * Returns the inspector for a channel: the first provider's that knows it, otherwise
     * {@link KernelInspector#NONE}.
     *
     * @param channel the channel
     * @return never null
     */
    public static KernelInspector inspector(Channel channel) {
        for (KernelAccessProvider p : PROVIDERS) {
            KernelInspector inspector = p.inspectorFor(channel);
            if (inspector != null) {
                return inspector;
            }
        }
        return KernelInspector.NONE;
    }

    /**
     * Returns the access to a channel's kernel options: the first provider's that knows it; otherwise, for NIO,
     * {@code jdk.net.ExtendedSocketOptions} ({@code TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL},
     * {@code TCP_KEEPCOUNT}; JDK 17 has no {@code TCP_USER_TIMEOUT}); otherwise {@code SO_KEEPALIVE} alone.
     *
     * @param channel the channel
     * @return never null
     */
    public static KernelOptionAccess options(Channel channel) {
        for (KernelAccessProvider p : PROVIDERS) {
            KernelOptionAccess access = p.optionAccessFor(channel);
            if (access != null) {
                return access;
            }
        }
        if (channel instanceof NioSocketChannel) {
            return Nio.ACCESS;
        }
        return KernelOptionAccess.of(Transport.nameOf(channel), null, null, null, null);
    }

    /**
     * Returns the access to a listening socket's kernel options, whose values the sockets it accepts inherit: the
     * first provider's that can set them there; otherwise, for NIO, {@code jdk.net.ExtendedSocketOptions} (its
     * {@code ServerSocketChannel} takes the three {@code TCP_KEEP*} options, not {@code SO_KEEPALIVE}).
     *
     * @param serverChannel the server channel
     * @return the access, or null if the transport cannot carry any of the options on its listener
     * @since 0.2
     */
    public static @Nullable KernelOptionAccess listenerOptions(Channel serverChannel) {
        for (KernelAccessProvider p : PROVIDERS) {
            KernelOptionAccess access = p.listenerOptionAccessFor(serverChannel);
            if (access != null) {
                return access;
            }
        }
        return serverChannel instanceof NioServerSocketChannel ? Nio.ACCESS : null;
    }

    /**
     * Returns the access to the kernel options of a transport's sockets by channel class: the first provider's
     * that knows it; otherwise NIO's for {@link NioSocketChannel} and {@link NioServerSocketChannel}.
     *
     * @param channelType a socket channel class or the server channel class that accepts them
     * @return never null
     * @throws IllegalArgumentException for a transport no provider knows, naming the ones that are known
     */
    public static KernelOptionAccess options(Class<? extends Channel> channelType) {
        for (KernelAccessProvider p : PROVIDERS) {
            KernelOptionAccess access = p.optionAccessFor(channelType);
            if (access != null) {
                return access;
            }
        }
        if (NioSocketChannel.class.isAssignableFrom(channelType)
                || NioServerSocketChannel.class.isAssignableFrom(channelType)) {
            return Nio.ACCESS;
        }
        throw new IllegalArgumentException("channelType = " + channelType.getName() + " has no kernel keepalive"
                + " options Vigil can name: expected NioSocketChannel or NioServerSocketChannel, or with vigil-epoll"
                + " on the class path " + PROVIDERS + " (Epoll*SocketChannel, IoUring*SocketChannel)");
    }

    /** NIO's keepalive options, created once: {@link NioChannelOption#of} makes a new constant per call. */
    private static final class Nio {
        static final KernelOptionAccess ACCESS = KernelOptionAccess.of("nio",
                NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE),
                NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL),
                NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT),
                null);
    }
}
