package io.vigil.core.event;

/**
 * The peer kept pinging too often after the policy's strikes: the server ends the connection (HTTP/2:
 * {@code GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings")}, then a close; other protocols: a close). Fired once, just
 * before the connection is ended.
 *
 * @param strikes the strikes the peer collected, the last early ping included
 * @since 0.2
 */
public record TooManyPings(int strikes) implements LifecycleEvent {

    /** The reason text a server sends: {@value}, as gRPC's debug data says it. */
    public static final String REASON = "too_many_pings";

    @Override
    public String toString() {
        return "TooManyPings(" + strikes + " strikes: " + REASON + ")";
    }
}
