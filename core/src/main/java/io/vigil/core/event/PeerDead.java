package io.vigil.core.event;

import io.netty.util.AttributeKey;
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
     * The channel attribute that holds the verdict once Vigil declared the channel's peer dead, set before the event
     * is fired and the channel closed: codecs, child channels (HTTP/2 streams) and close listeners can tell a close
     * on Vigil's verdict from any other.
     */
    public static final AttributeKey<PeerDead> VERDICT = AttributeKey.valueOf("io.vigil.verdict");

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
