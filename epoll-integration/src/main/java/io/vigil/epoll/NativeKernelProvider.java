package io.vigil.epoll;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.vigil.core.socket.KernelInspector;
import io.vigil.core.socket.KernelAccessProvider;
import io.vigil.core.socket.KernelOptionAccess;
import org.jspecify.annotations.Nullable;

/**
 * The kernel plug-in for Netty's native Linux transports: for an {@link EpollSocketChannel} or an
 * {@code IoUringSocketChannel} it offers a {@link KernelInspector} ({@code TCP_INFO} samples, kernel verdicts) and
 * a {@link KernelOptionAccess} (the transport's own {@code EpollChannelOption} or {@code IoUringChannelOption}
 * constants: Netty ignores one transport's constants on the other with only a log line), and for their server
 * channels a {@link KernelOptionAccess} to the listening socket, as raw socket options (Netty's server configs refuse
 * the typed ones), which the sockets it accepts inherit. Registered in
 * {@code META-INF/services/io.vigil.core.socket.KernelAccessProvider}; io_uring is served only when its classes
 * are on the class path.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 *
 * @since 0.1
 */
public final class NativeKernelProvider implements KernelAccessProvider {

    private static final KernelOptionAccess EPOLL_OPTIONS = KernelOptionAccess.of("epoll",
            EpollChannelOption.TCP_KEEPIDLE, EpollChannelOption.TCP_KEEPINTVL, EpollChannelOption.TCP_KEEPCNT,
            EpollChannelOption.TCP_USER_TIMEOUT);
    private static final boolean IO_URING_CLASSES = isPresent("io.netty.channel.uring.IoUringSocketChannel");

    /** Called by {@link java.util.ServiceLoader}. */
    public NativeKernelProvider() {
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, NativeKernelProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public @Nullable KernelInspector inspectorFor(Channel channel) {
        if (channel instanceof EpollSocketChannel) {
            return EpollKernelInspector.INSTANCE;
        }
        return IO_URING_CLASSES && IoUringKernel.handles(channel) ? IoUringKernel.INSPECTOR : null;
    }

    @Override
    public @Nullable KernelOptionAccess optionAccessFor(Channel channel) {
        if (channel instanceof EpollSocketChannel) {
            return EPOLL_OPTIONS;
        }
        return IO_URING_CLASSES && IoUringKernel.handles(channel) ? IoUringKernel.OPTIONS : null;
    }

    @Override
    public @Nullable KernelOptionAccess optionAccessFor(Class<? extends Channel> channelType) {
        if (EpollSocketChannel.class.isAssignableFrom(channelType)
                || EpollServerSocketChannel.class.isAssignableFrom(channelType)) {
            return EPOLL_OPTIONS;
        }
        return IO_URING_CLASSES && IoUringKernel.handlesType(channelType) ? IoUringKernel.OPTIONS : null;
    }

    /** Epoll's and io_uring's listeners, with raw socket options (their configs refuse the typed ones). */
    @Override
    public @Nullable KernelOptionAccess listenerOptionAccessFor(Channel serverChannel) {
        if (serverChannel instanceof EpollServerSocketChannel) {
            return ListenerOptionAccess.EPOLL;
        }
        return IO_URING_CLASSES && IoUringKernel.handlesServer(serverChannel) ? ListenerOptionAccess.IO_URING : null;
    }

    @Override
    public String toString() {
        return "NativeKernelProvider(epoll" + (IO_URING_CLASSES ? ", io_uring)" : ")");
    }
}
