package io.vigil.core.lifecycle;

import java.util.Objects;

/**
 * The ping-rate rules of a {@link PingRatePolicy} for one connection, with no Netty types and no clock of its own:
 * the caller passes the time. gRPC's {@code KeepAliveEnforcer}, rule for rule: a ping sooner than the minimum after
 * the last permitted one (at first: after the connection started) is a strike; the ping after the last tolerated
 * strike is refused; the server sending application work restores the start state.
 *
 * <p><b>Thread safety:</b> not thread-safe; confined to the connection's event loop.
 *
 * @since 0.2
 */
public final class PingPolicer {

    /** {@link #onPing} verdict: the ping is permitted. */
    public static final int PERMITTED = 0;
    /** {@link #onPing} verdict: one strike too many; end the connection. */
    public static final int TOO_MANY = -1;

    private final PingRatePolicy policy;
    private final long epoch;
    private long lastPermitted;
    private int strikes;

    /**
     * Creates the rules for a connection that started at {@code now}.
     *
     * @param policy the policy
     * @param now the connection's start, nanoseconds
     */
    public PingPolicer(PingRatePolicy policy, long now) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.epoch = now;
        this.lastPermitted = now;
    }

    /**
     * A ping from the peer arrived.
     *
     * @param now the time, nanoseconds
     * @param withWork whether the connection carries application work (HTTP/2: an open stream)
     * @return {@link #PERMITTED}, the number of strikes so far (1 ..) for an early ping that is tolerated, or
     *         {@link #TOO_MANY}
     */
    public int onPing(long now, boolean withWork) {
        long min = withWork ? policy.minIntervalNanos() : policy.minIntervalWithoutWorkNanos();
        if (now - lastPermitted >= min) {
            lastPermitted = now;
            return PERMITTED;
        }
        if (strikes < Integer.MAX_VALUE) {
            strikes++;
        }
        return strikes > policy.maxStrikes() ? TOO_MANY : strikes;
    }

    /** The server sent application work: the strikes are cleared and pings are timed from the start again. */
    public void onWorkSent() {
        strikes = 0;
        lastPermitted = epoch;
    }

    /**
     * Returns the time since the last permitted ping (or the start).
     *
     * @param now the time, nanoseconds
     * @return nanoseconds
     */
    public long sinceLastPermitted(long now) {
        return now - lastPermitted;
    }

    /**
     * Returns the strikes so far.
     *
     * @return 0 ..
     */
    public int strikes() {
        return strikes;
    }

    /**
     * Returns the policy.
     *
     * @return the policy
     */
    public PingRatePolicy policy() {
        return policy;
    }
}
