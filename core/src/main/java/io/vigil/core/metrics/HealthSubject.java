package io.vigil.core.metrics;

import io.netty.channel.Channel;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The low-cardinality description of a channel that metrics are tagged with: its transport, its side and the
 * probing protocol. Instances are interned, so every channel of a kind shares one.
 *
 * @param transport {@code "epoll"}, {@code "io_uring"}, {@code "nio"}, {@code "local"}, {@code "embedded"}, ...
 * @param side {@link #CLIENT} or {@link #SERVER} (an accepted child)
 * @param protocol the prober's protocol, e.g. {@code "heartbeat"}
 * @since 0.1
 */
public record HealthSubject(String transport, String side, String protocol) {

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
    }

    /**
     * Returns the interned subject for a channel.
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
