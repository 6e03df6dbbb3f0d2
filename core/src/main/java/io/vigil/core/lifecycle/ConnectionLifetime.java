package io.vigil.core.lifecycle;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * When a server retires a connection: after {@link Builder#maxIdle maxIdle} without application traffic (probes
 * and their replies do not count), and at {@link Builder#maxAge maxAge}, jittered by ±{@value #AGE_JITTER_PERCENT} %
 * per connection so that connections opened together do not all close together; then, for
 * {@link Builder#grace grace}, in-flight work may finish before the connection is closed at once.
 *
 * <table>
 *   <caption>Settings, defaults, and the peers' equivalents</caption>
 *   <tr><th>Setting</th><th>Default</th><th>gRPC (grpc-java server)</th><th>Envoy</th></tr>
 *   <tr><td>{@code maxIdle}</td><td>off</td><td>{@code maxConnectionIdle}, off (infinite); min 1 s</td>
 *       <td>{@code idle_timeout}, 1 h; PINGs do not count</td></tr>
 *   <tr><td>{@code maxAge}</td><td>off</td><td>{@code maxConnectionAge}, off; ±10 % jitter; min 1 s</td>
 *       <td>{@code max_connection_duration}, off (jitter added in 2026)</td></tr>
 *   <tr><td>{@code grace}</td><td>30 s</td><td>{@code maxConnectionAgeGrace}, infinite</td>
 *       <td>{@code drain_timeout}, 5 s</td></tr>
 * </table>
 *
 * <p>HTTP/2 ({@link Http2ConnectionLifetimeHandler}): idle means no open stream and no {@code HEADERS} or
 * {@code DATA} frame; the retirement is {@code GOAWAY(NO_ERROR, "max_idle")} or, for age, gRPC's double
 * {@code GOAWAY(NO_ERROR, "max_age")} (the first with the last stream id 2<sup>31</sup>−1, the second after a
 * {@code PING} round trip with the real one), then the codec's graceful close, which waits for the open streams; at
 * the end of the grace period the connection is closed at once. Other protocols: a close, with a
 * {@link io.vigil.core.event.ConnectionRetired} event that says why.
 *
 * <p>Units: {@link Duration}s. Precision: idleness is checked every quarter of {@code maxIdle}, so a connection is
 * retired between {@code maxIdle} and {@code 1.25 × maxIdle} after its last application message.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @since 0.2
 * @see ConnectionLifetimeHandler
 */
public final class ConnectionLifetime {

    /** The jitter on the maximum age, in percent either way: {@value}, as gRPC's. */
    public static final int AGE_JITTER_PERCENT = 10;
    /** The default grace period: 30 s, Netty's HTTP/2 graceful-shutdown timeout. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    /** The shortest maximum idle time or age: 1 s, as gRPC's. */
    public static final Duration MIN_IDLE_OR_AGE = Duration.ofSeconds(1);
    /** The longest maximum idle time, age or grace: 365 days. */
    public static final Duration MAX_DURATION = Duration.ofDays(365);

    private static final ConnectionLifetime NONE = builder().build();

    private final long maxIdleNanos;
    private final long maxAgeNanos;
    private final long graceNanos;

    private ConnectionLifetime(long maxIdleNanos, long maxAgeNanos, long graceNanos) {
        this.maxIdleNanos = maxIdleNanos;
        this.maxAgeNanos = maxAgeNanos;
        this.graceNanos = graceNanos;
    }

    /**
     * Returns the defaults: no maximum idle time, no maximum age.
     *
     * @return the default lifetime
     */
    public static ConnectionLifetime unlimited() {
        return NONE;
    }

    /**
     * Returns a builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the maximum idle time.
     *
     * @return nanoseconds, 0 for none
     */
    public long maxIdleNanos() {
        return maxIdleNanos;
    }

    /**
     * Returns the maximum age before jitter.
     *
     * @return nanoseconds, 0 for none
     */
    public long maxAgeNanos() {
        return maxAgeNanos;
    }

    /**
     * Returns the grace period after a retirement started.
     *
     * @return nanoseconds
     */
    public long graceNanos() {
        return graceNanos;
    }

    /**
     * Returns one connection's jittered age: {@code maxAge × (0.9 + 0.2 × draw)}.
     *
     * @param draw the connection's draw, 0 (inclusive) .. 1 (exclusive)
     * @return nanoseconds, 0 if there is no maximum age
     */
    public long jitteredAgeNanos(double draw) {
        double spread = AGE_JITTER_PERCENT / 100.0;
        return (long) (maxAgeNanos * (1 - spread + 2 * spread * draw));
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ConnectionLifetime)) {
            return false;
        }
        ConnectionLifetime l = (ConnectionLifetime) o;
        return maxIdleNanos == l.maxIdleNanos && maxAgeNanos == l.maxAgeNanos && graceNanos == l.graceNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxIdleNanos, maxAgeNanos, graceNanos);
    }

    @Override
    public String toString() {
        return "ConnectionLifetime(maxIdle " + Checks.format(Duration.ofNanos(maxIdleNanos)) + ", maxAge "
                + Checks.format(Duration.ofNanos(maxAgeNanos)) + " ±" + AGE_JITTER_PERCENT + " %, grace "
                + Checks.format(Duration.ofNanos(graceNanos)) + ")";
    }

    /**
     * Builds a {@link ConnectionLifetime}. Each setter validates its value at once.
     *
     * <p><b>Thread safety:</b> not thread-safe.
     *
     * @since 0.2
     */
    public static final class Builder {
        private long maxIdleNanos;
        private long maxAgeNanos;
        private long graceNanos = DEFAULT_GRACE.toNanos();

        private Builder() {
        }

        /**
         * Sets the maximum time without application traffic (probes do not count).
         *
         * @param maxIdle 0 (off), or 1 s .. 365 days
         * @return this builder
         */
        public Builder maxIdle(Duration maxIdle) {
            maxIdleNanos = Checks.zeroOrBetween("maxIdle", maxIdle, MIN_IDLE_OR_AGE, MAX_DURATION, "off");
            return this;
        }

        /**
         * Sets the maximum age; each connection's is jittered by ±{@value #AGE_JITTER_PERCENT} %.
         *
         * @param maxAge 0 (off), or 1 s .. 365 days
         * @return this builder
         */
        public Builder maxAge(Duration maxAge) {
            maxAgeNanos = Checks.zeroOrBetween("maxAge", maxAge, MIN_IDLE_OR_AGE, MAX_DURATION, "off");
            return this;
        }

        /**
         * Sets how long in-flight work may go on after a retirement started, before the connection is closed at
         * once.
         *
         * @param grace 0 (close at once), or 1 ms .. 365 days
         * @return this builder
         */
        public Builder grace(Duration grace) {
            graceNanos = Checks.zeroOrBetween("grace", grace, Duration.ofMillis(1), MAX_DURATION, "close at once");
            return this;
        }

        /**
         * Builds the lifetime.
         *
         * @return the lifetime
         */
        public ConnectionLifetime build() {
            return new ConnectionLifetime(maxIdleNanos, maxAgeNanos, graceNanos);
        }
    }
}
