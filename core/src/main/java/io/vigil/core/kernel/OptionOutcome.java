package io.vigil.core.kernel;

import java.util.Objects;

/**
 * What became of one requested kernel option on one socket.
 *
 * @param option the option
 * @param requested the value asked for, in the option's unit
 * @param effective the value read back from the socket, or {@link #UNKNOWN} if it could not be read
 * @param status the outcome
 * @since 0.1
 */
public record OptionOutcome(KernelOption option, long requested, long effective, Status status) {

    /** {@link #effective()} when the socket could not be read. */
    public static final long UNKNOWN = -1;

    /** The outcome of a requested option. */
    public enum Status {
        /** Set, and read back equal to the request. */
        APPLIED,
        /** Set, but the socket reports another value. */
        DIFFERENT,
        /** The transport cannot carry this option (for example {@code TCP_USER_TIMEOUT} on JDK 17 NIO). */
        UNSUPPORTED
    }

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if option or status is null
     */
    public OptionOutcome {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(status, "status");
    }

    @Override
    public String toString() {
        String unit = option.unit().isEmpty() ? "" : " " + option.unit();
        return option.optionName() + " " + status + " (requested " + requested + unit + ", effective "
                + (effective == UNKNOWN ? "unknown" : effective + unit) + ")";
    }
}
