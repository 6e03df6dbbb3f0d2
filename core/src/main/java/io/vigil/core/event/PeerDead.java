package io.vigil.core.event;

import java.util.Objects;

/**
 * The peer was declared dead. Fired once, before the {@link DeadPeerException} and the close.
 *
 * @param reason why
 * @param evidence what was known at the verdict
 * @since 0.1
 */
public record PeerDead(DeathReason reason, Evidence evidence) implements HealthEvent {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if either is null
     */
    public PeerDead {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(evidence, "evidence");
    }
}
