package io.vigil.core.socket;

import io.netty.channel.Channel;
import io.vigil.core.metrics.HealthSubject;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

/**
 * What a channel is, in the words metrics and logs use: its transport's short name, its side, and the
 * {@link HealthSubject} that tags its measurements.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 *
 * @since 0.1
 */
public final class Transport {

    private Transport() {
    }

    /**
     * Names a channel's transport from its class: {@code EpollSocketChannel} is {@code "epoll"},
     * {@code IoUringSocketChannel} {@code "io_uring"}, {@code NioSocketChannel} {@code "nio"}, and so on.
     *
     * @param channel the channel
     * @return a short lowercase name
     */
    public static String nameOf(Channel channel) {
        String name = channel.getClass().getSimpleName();
        if (name.startsWith("Epoll")) {
            return "epoll";
        }
        if (name.startsWith("IoUring")) {
            return "io_uring";
        }
        if (name.startsWith("Nio")) {
            return "nio";
        }
        if (name.startsWith("KQueue")) {
            return "kqueue";
        }
        if (name.startsWith("Local")) {
            return "local";
        }
        if (name.startsWith("Embedded")) {
            return "embedded";
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * Tells a channel's side.
     *
     * @param channel the channel
     * @return {@link HealthSubject#SERVER} for a channel a server accepted, otherwise {@link HealthSubject#CLIENT}
     */
    public static String sideOf(Channel channel) {
        return channel.parent() == null ? HealthSubject.CLIENT : HealthSubject.SERVER;
    }

    /**
     * Returns the subject for a channel, with the peer's host address if asked for. Without the address the subject
     * is {@linkplain HealthSubject#intern interned}; with it, it is not (there may be any number of peers), though
     * equal ones still compare equal.
     *
     * @param channel the channel, connected
     * @param protocol the probing protocol
     * @param withRemoteAddress whether to include the peer's host address (no port)
     * @return the subject
     */
    public static HealthSubject subjectOf(Channel channel, String protocol, boolean withRemoteAddress) {
        if (!withRemoteAddress) {
            return HealthSubject.intern(nameOf(channel), sideOf(channel), protocol);
        }
        SocketAddress remote = channel.remoteAddress();
        String host = remote instanceof InetSocketAddress && ((InetSocketAddress) remote).getAddress() != null
                ? ((InetSocketAddress) remote).getAddress().getHostAddress() : String.valueOf(remote);
        return new HealthSubject(nameOf(channel), sideOf(channel), protocol, host);
    }
}
