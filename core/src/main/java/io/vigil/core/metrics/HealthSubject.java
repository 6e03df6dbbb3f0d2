package io.vigil.core.metrics;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The description of a channel that metrics are tagged with: its transport, its side and the probing protocol, all
 * low-cardinality; and, only where a recorder asks for it ({@link HealthRecorder#tagsRemoteAddress()}), the peer's
 * address. Subjects without an address are interned, so every channel of a kind shares one.
 *
 * @param transport {@code "epoll"}, {@code "io_uring"}, {@code "nio"}, {@code "local"}, {@code "embedded"}, ...
 * @param side {@link #CLIENT} or {@link #SERVER} (an accepted child)
 * @param protocol the prober's protocol, e.g. {@code "heartbeat"}
 * @param remoteAddress the peer's host address (no port), or empty when not asked for
 * @since 0.1
 */
public record HealthSubject(String transport, String side, String protocol, String remoteAddress) {

    /** Side of a channel that connected out. */
    public static final String CLIENT = "client";
    /** Side of a channel accepted by a server. */
    public static final String SERVER = "server";

    private static final ConcurrentMap<HealthSubject, HealthSubject> INTERNED = new ConcurrentHashMap<>();

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if any is null
     */
    public HealthSubject {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    /**
     * Creates a subject without the peer's address.
     *
     * @param transport the transport
     * @param side the side
     * @param protocol the probing protocol
     */
    public HealthSubject(String transport, String side, String protocol) {
        this(transport, side, protocol, "");
    }

    /**
     * Returns the interned subject for a channel, without the peer's address.
     *
     * @param channel the channel
     * @param protocol the probing protocol
     * @return the shared instance
     */
    public static HealthSubject of(Channel channel, String protocol) {
        HealthSubject s = new HealthSubject(transportOf(channel), channel.parent() == null ? CLIENT : SERVER, protocol);
        HealthSubject existing = INTERNED.putIfAbsent(s, s);
        return existing == null ? s : existing;
    }

    /**
     * Returns the subject for a channel, with the peer's host address if asked for. A subject with an address is
     * not interned (there may be any number of peers); equal ones still compare equal.
     *
     * @param channel the channel, connected
     * @param protocol the probing protocol
     * @param withRemoteAddress whether to include the peer's host address
     * @return the subject
     */
    public static HealthSubject of(Channel channel, String protocol, boolean withRemoteAddress) {
        if (!withRemoteAddress) {
            return of(channel, protocol);
        }
        SocketAddress remote = channel.remoteAddress();
        String host = remote instanceof InetSocketAddress && ((InetSocketAddress) remote).getAddress() != null
                ? ((InetSocketAddress) remote).getAddress().getHostAddress() : String.valueOf(remote);
        return new HealthSubject(transportOf(channel), channel.parent() == null ? CLIENT : SERVER, protocol, host);
    }

    /**
     * Names a channel's transport from its class: {@code EpollSocketChannel} is {@code "epoll"},
     * {@code IoUringSocketChannel} {@code "io_uring"}, and so on.
     *
     * @param channel the channel
     * @return a short lowercase name
     */
    public static String transportOf(Channel channel) {
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
}
