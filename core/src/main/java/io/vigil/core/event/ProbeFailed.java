package io.vigil.core.event;

import java.util.Objects;

/**
 * A probe could not be written: the write of {@link ProbeSent}({@link #probe()}) failed. It still counts as a probe
 * (the kernel counts its probes the same way), but a verdict reached with no probe written says so
 * ({@link DeathReason#PROBES_UNWRITABLE}) instead of blaming a silent peer.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param probe the number of the probe that failed, at least 1
 * @param cause why the write failed
 * @since 0.1
 */
public record ProbeFailed(int probe, Throwable cause) implements HealthEvent {

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if {@code probe} is below 1
     * @throws NullPointerException if {@code cause} is null
     */
    public ProbeFailed {
        if (probe < 1) {
            throw new IllegalArgumentException("probe = " + probe + " is out of range: allowed >= 1");
        }
        Objects.requireNonNull(cause, "cause");
    }
}
