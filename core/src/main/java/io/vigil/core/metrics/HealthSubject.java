package io.vigil.core.metrics;

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
     * Returns the shared subject for these tags, without a peer address: subjects of a kind are interned, so every
     * channel of that kind shares one and a recorder can key on it.
     *
     * @param transport the transport
     * @param side {@link #CLIENT} or {@link #SERVER}
     * @param protocol the probing protocol
     * @return the shared instance
     */
    public static HealthSubject intern(String transport, String side, String protocol) {
        HealthSubject s = new HealthSubject(transport, side, protocol);
        HealthSubject existing = INTERNED.putIfAbsent(s, s);
        return existing == null ? s : existing;
    }
}
