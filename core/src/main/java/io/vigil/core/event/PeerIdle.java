package io.vigil.core.event;

/**
 * The peer has been silent for the policy's idle time and probing starts. Fired once per probing episode, just
 * before the first {@link ProbeSent}. A singleton.
 *
 * @since 0.1
 */
public final class PeerIdle implements HealthEvent {

    /** The only instance. */
    public static final PeerIdle INSTANCE = new PeerIdle();

    private PeerIdle() {
    }

    @Override
    public String toString() {
        return "PeerIdle";
    }
}
