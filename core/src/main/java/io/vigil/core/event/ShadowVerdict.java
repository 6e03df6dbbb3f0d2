package io.vigil.core.event;

import java.util.Objects;

/**
 * In shadow mode, the verdict Vigil would have made, made without closing anything: the same reason and evidence a
 * {@link PeerDead} would carry. The connection stays open and is watched afresh from this moment, so aggressive
 * settings can be tried on live traffic and their verdicts counted before they are enforced.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param wouldBe the verdict that was not enforced
 * @since 0.1
 */
public record ShadowVerdict(PeerDead wouldBe) implements HealthEvent {

    /**
     * Checks the argument.
     *
     * @throws NullPointerException if it is null
     */
    public ShadowVerdict {
        Objects.requireNonNull(wouldBe, "wouldBe");
    }
}
