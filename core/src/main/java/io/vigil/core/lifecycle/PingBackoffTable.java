package io.vigil.core.lifecycle;

import io.vigil.core.policy.KeepAlivePolicy;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The client's memory of servers that said it pings too often: per remote address, the probe idle time to use from
 * now on. Each {@code too_many_pings} doubles it (capped at {@link KeepAlivePolicy#MAX_IDLE_OR_INTERVAL}); new
 * connections to the address start with it, for the life of the process, as grpc-java's client doubles its
 * {@code keepAliveTime} for new transports. {@link #shared()} is the process-wide table the handlers use by default.
 *
 * <p>Addresses are keyed as {@code host:port} with the host as it was given (a name or a literal), so two names of
 * one server are two entries. The table only grows by one entry per distinct server that complained.
 *
 * <p><b>Thread safety:</b> thread-safe; connections on every event loop share it.
 *
 * @since 0.2
 */
public final class PingBackoffTable {

    private static final PingBackoffTable SHARED = new PingBackoffTable();
    private static final long MAX_IDLE_NANOS = KeepAlivePolicy.MAX_IDLE_OR_INTERVAL.toNanos();

    private final ConcurrentMap<String, Long> idleNanos = new ConcurrentHashMap<>();

    /** Creates an empty table (the handlers use {@link #shared()} unless given one). */
    public PingBackoffTable() {
    }

    /**
     * Returns the process-wide table.
     *
     * @return the shared table
     */
    public static PingBackoffTable shared() {
        return SHARED;
    }

    /**
     * Returns the key of an address: {@code host:port} for an {@link InetSocketAddress}, else its string.
     *
     * @param remote the address
     * @return the key
     */
    public static String key(SocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        if (remote instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) remote;
            return inet.getHostString() + ":" + inet.getPort();
        }
        return remote.toString();
    }

    /**
     * Returns the backed-off idle time for an address.
     *
     * @param remote the address key ({@link #key})
     * @return nanoseconds, or 0 if the address never complained
     */
    public long idleNanos(String remote) {
        Long idle = idleNanos.get(remote);
        return idle == null ? 0 : idle;
    }

    /**
     * Returns the policy a new connection to {@code remote} uses: {@code policy}, with the idle time raised to the
     * backed-off one if that is longer.
     *
     * @param remote the address key
     * @param policy the configured policy
     * @return {@code policy} itself, or a copy with a longer idle
     */
    public KeepAlivePolicy policyFor(String remote, KeepAlivePolicy policy) {
        long idle = idleNanos(remote);
        return idle > policy.idleNanos() ? withIdle(policy, idle) : policy;
    }

    /**
     * The server at {@code remote} said {@code too_many_pings}: doubles the idle time in force there.
     *
     * @param remote the address key
     * @param currentIdleNanos the idle time the complaining connection used, nanoseconds
     * @return the new idle time, nanoseconds
     */
    public long onTooManyPings(String remote, long currentIdleNanos) {
        return idleNanos.merge(remote, doubled(currentIdleNanos), (old, doubled) -> Math.max(old, doubled));
    }

    /** Forgets every address; for tests and for applications that reconfigure their peers. */
    public void clear() {
        idleNanos.clear();
    }

    static long doubled(long idleNanos) {
        return idleNanos >= MAX_IDLE_NANOS / 2 ? MAX_IDLE_NANOS : idleNanos * 2;
    }

    static KeepAlivePolicy withIdle(KeepAlivePolicy policy, long idleNanos) {
        KeepAlivePolicy.Builder b = policy.toBuilder().idle(Duration.ofNanos(idleNanos));
        long defaultUserTimeout = idleNanos + policy.probes() * policy.intervalNanos();
        if (!policy.isUserTimeoutDefault() || defaultUserTimeout > KeepAlivePolicy.MAX_USER_TIMEOUT.toNanos()) {
            b.userTimeout(policy.isUserTimeoutDefault() ? KeepAlivePolicy.MAX_USER_TIMEOUT
                    : Duration.ofNanos(policy.userTimeoutNanos()));
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "PingBackoffTable" + idleNanos;
    }
}
