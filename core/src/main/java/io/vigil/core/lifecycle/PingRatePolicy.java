package io.vigil.core.lifecycle;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How often a server lets its peer ping: a minimum interval between the peer's pings, a longer one while the
 * connection carries no application work, and how many early pings (strikes) it tolerates before it ends the
 * connection. gRPC's {@code KeepAliveEnforcer} rules, with gRPC's defaults, for every protocol that has a
 * {@link io.vigil.core.probe.Prober}:
 *
 * <table>
 *   <caption>Settings, defaults, and the peers' equivalents</caption>
 *   <tr><th>Setting</th><th>Default</th><th>gRPC (grpc-java server)</th><th>Envoy</th></tr>
 *   <tr><td>{@link Builder#minInterval minInterval}</td><td>5 min</td>
 *       <td>{@code permitKeepAliveTime}, 5 min</td><td>none (generic frame-flood limits only)</td></tr>
 *   <tr><td>{@link Builder#minIntervalWithoutWork minIntervalWithoutWork}</td><td>2 h</td>
 *       <td>2 h unless {@code permitKeepAliveWithoutCalls(true)}</td><td>none</td></tr>
 *   <tr><td>{@link Builder#maxStrikes maxStrikes}</td><td>2</td><td>{@code MAX_PING_STRIKES} = 2</td>
 *       <td>none</td></tr>
 * </table>
 *
 * <p>A ping is early when it comes sooner than the minimum after the last permitted ping (or, before any, after the
 * connection started or the server last sent application work): that is a strike. The ping after
 * {@code maxStrikes} strikes ends the connection: HTTP/2 {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")}, other
 * protocols a close. The server sending application work (HTTP/2: {@code HEADERS} or {@code DATA}) clears the
 * strikes. Only the peer's pings count: replies to our own probes (HTTP/2 {@code PING ACK}s, pongs) never do
 * (grpc-java#12417 counted ACKs and sent spurious {@code GOAWAY}s).
 *
 * <p>Units: every duration is a {@link Duration}; 0 means "no minimum". Any value gRPC's clients accept as their
 * {@code keepAliveTime} (10 s and up) is accepted, and so is anything down to 1 ms.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @since 0.2
 * @see PingPolicingHandler
 */
public final class PingRatePolicy {

    /** The default minimum interval between the peer's pings: 5 min, gRPC's {@code permitKeepAliveTime}. */
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofMinutes(5);
    /** The default minimum interval while the connection carries no application work: 2 h, as gRPC's. */
    public static final Duration DEFAULT_MIN_INTERVAL_WITHOUT_WORK = Duration.ofHours(2);
    /** The default number of early pings tolerated: {@value}, gRPC's {@code MAX_PING_STRIKES}. */
    public static final int DEFAULT_MAX_STRIKES = 2;
    /** The shortest non-zero minimum interval: 1 ms. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(1);
    /** The longest minimum interval: 30 days. */
    public static final Duration MAX_INTERVAL = Duration.ofDays(30);
    /** The most strikes that can be tolerated: {@value}. */
    public static final int MAX_STRIKES = 1000;

    private static final PingRatePolicy DEFAULTS = builder().build();

    private final long minIntervalNanos;
    private final long minIntervalWithoutWorkNanos;
    private final int maxStrikes;

    private PingRatePolicy(long minIntervalNanos, long minIntervalWithoutWorkNanos, int maxStrikes) {
        this.minIntervalNanos = minIntervalNanos;
        this.minIntervalWithoutWorkNanos = minIntervalWithoutWorkNanos;
        this.maxStrikes = maxStrikes;
    }

    /**
     * Returns gRPC's defaults: 5 min, 2 h without work, 2 strikes.
     *
     * @return the default policy
     */
    public static PingRatePolicy defaults() {
        return DEFAULTS;
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
     * Returns the minimum interval between the peer's pings while the connection carries application work.
     *
     * @return nanoseconds, 0 for none
     */
    public long minIntervalNanos() {
        return minIntervalNanos;
    }

    /**
     * Returns the minimum interval between the peer's pings while the connection carries no application work.
     *
     * @return nanoseconds, 0 for none; never below {@link #minIntervalNanos()}
     */
    public long minIntervalWithoutWorkNanos() {
        return minIntervalWithoutWorkNanos;
    }

    /**
     * Returns the number of early pings tolerated; the next one ends the connection.
     *
     * @return 0 .. {@value #MAX_STRIKES}
     */
    public int maxStrikes() {
        return maxStrikes;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof PingRatePolicy)) {
            return false;
        }
        PingRatePolicy p = (PingRatePolicy) o;
        return minIntervalNanos == p.minIntervalNanos && minIntervalWithoutWorkNanos == p.minIntervalWithoutWorkNanos
                && maxStrikes == p.maxStrikes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(minIntervalNanos, minIntervalWithoutWorkNanos, maxStrikes);
    }

    @Override
    public String toString() {
        return "PingRatePolicy(minInterval " + Checks.format(Duration.ofNanos(minIntervalNanos))
                + ", without work " + Checks.format(Duration.ofNanos(minIntervalWithoutWorkNanos))
                + ", maxStrikes " + maxStrikes + ")";
    }

    /**
     * Builds a {@link PingRatePolicy}. Each setter validates its value at once.
     *
     * <p><b>Thread safety:</b> not thread-safe.
     *
     * @since 0.2
     */
    public static final class Builder {
        private long minIntervalNanos = DEFAULT_MIN_INTERVAL.toNanos();
        private long withoutWorkNanos = DEFAULT_MIN_INTERVAL_WITHOUT_WORK.toNanos();
        private boolean withoutWorkFollows;
        private int maxStrikes = DEFAULT_MAX_STRIKES;

        private Builder() {
        }

        /**
         * Sets the minimum interval between the peer's pings while the connection carries application work.
         *
         * @param minInterval 0 (no minimum), or 1 ms .. 30 days
         * @return this builder
         */
        public Builder minInterval(Duration minInterval) {
            minIntervalNanos = Checks.zeroOrBetween("minInterval", minInterval, MIN_INTERVAL, MAX_INTERVAL,
                    "no minimum");
            return this;
        }

        /**
         * gRPC's name for {@link #minInterval(Duration)}: the server permits the keepalive time its clients use.
         * Pass the clients' {@code keepAliveTime}: gRPC clamps it to at least 10 s, which is accepted here.
         *
         * @param keepAliveTime 0, or 1 ms .. 30 days
         * @return this builder
         */
        public Builder permitKeepAliveTime(Duration keepAliveTime) {
            minIntervalNanos = Checks.zeroOrBetween("permitKeepAliveTime", keepAliveTime, MIN_INTERVAL,
                    MAX_INTERVAL, "no minimum");
            return this;
        }

        /**
         * Sets the minimum interval between the peer's pings while the connection carries no application work
         * (HTTP/2: no open stream).
         *
         * @param minInterval 0 (no minimum), or 1 ms .. 30 days; at least {@code minInterval}
         * @return this builder
         */
        public Builder minIntervalWithoutWork(Duration minInterval) {
            withoutWorkNanos = Checks.zeroOrBetween("minIntervalWithoutWork", minInterval, MIN_INTERVAL,
                    MAX_INTERVAL, "no minimum");
            withoutWorkFollows = false;
            return this;
        }

        /**
         * gRPC's switch: true lets the peer ping as often without work as with it (the without-work minimum
         * follows {@link #minInterval(Duration)}); false (the default) restores the 2 h default.
         *
         * @param permit true to apply the same minimum with and without work
         * @return this builder
         */
        public Builder permitKeepAliveWithoutCalls(boolean permit) {
            withoutWorkFollows = permit;
            if (!permit) {
                withoutWorkNanos = DEFAULT_MIN_INTERVAL_WITHOUT_WORK.toNanos();
            }
            return this;
        }

        /**
         * Sets how many early pings are tolerated; the next one ends the connection.
         *
         * @param maxStrikes 0 .. 1000 strikes
         * @return this builder
         */
        public Builder maxStrikes(int maxStrikes) {
            this.maxStrikes = Checks.between("maxStrikes", maxStrikes, 0, MAX_STRIKES, "strikes");
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         * @throws IllegalArgumentException if {@code minIntervalWithoutWork} is shorter than {@code minInterval}; the
         *         message names both values
         */
        public PingRatePolicy build() {
            long withoutWork = withoutWorkFollows ? minIntervalNanos : withoutWorkNanos;
            if (withoutWork < minIntervalNanos) {
                throw new IllegalArgumentException("minIntervalWithoutWork : "
                        + Checks.format(Duration.ofNanos(withoutWork)) + " (expected: >= minInterval = "
                        + Checks.format(Duration.ofNanos(minIntervalNanos))
                        + "; or call permitKeepAliveWithoutCalls(true) to use minInterval for both)");
            }
            return new PingRatePolicy(minIntervalNanos, withoutWork, maxStrikes);
        }
    }
}
