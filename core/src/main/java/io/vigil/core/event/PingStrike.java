package io.vigil.core.event;

import io.vigil.core.policy.DurationFormat;

/**
 * The peer sent a ping sooner than the ping-rate policy permits: one strike. Fired by the server's policing
 * handler; after the policy's maximum of strikes the next early ping ends the connection ({@link TooManyPings}).
 *
 * @param strikes the strikes so far on this connection, this one included (1 for the first)
 * @param maxStrikes the strikes the policy tolerates
 * @param sinceLastPingNanos the time since the last permitted ping, nanoseconds
 * @param minIntervalNanos the minimum interval that applied (with or without application work), nanoseconds
 * @param withoutWork true if the connection carried no application work, so the longer minimum applied
 * @since 0.2
 */
public record PingStrike(int strikes, int maxStrikes, long sinceLastPingNanos, long minIntervalNanos,
                         boolean withoutWork) implements LifecycleEvent {

    @Override
    public String toString() {
        return "PingStrike(" + strikes + " of " + maxStrikes + ": ping " + DurationFormat.formatNanos(sinceLastPingNanos)
                + " after the last permitted one < " + DurationFormat.formatNanos(minIntervalNanos)
                + (withoutWork ? " without application work)" : ")");
    }
}
