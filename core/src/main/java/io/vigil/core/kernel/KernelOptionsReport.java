package io.vigil.core.kernel;

import java.util.List;
import java.util.Objects;

/**
 * What the kernel really applied of a policy's kernel half on one socket, read back after connect or accept.
 *
 * @param transport the channel's transport, e.g. {@code "epoll"}
 * @param outcomes one outcome per requested option
 * @since 0.1
 */
public record KernelOptionsReport(String transport, List<OptionOutcome> outcomes) {

    /**
     * Checks and copies the arguments.
     *
     * @throws NullPointerException if either is null
     */
    public KernelOptionsReport {
        Objects.requireNonNull(transport, "transport");
        outcomes = List.copyOf(outcomes);
    }

    /**
     * Tells whether every requested option was applied as asked.
     *
     * @return true if all outcomes are {@link OptionOutcome.Status#APPLIED}
     */
    public boolean allApplied() {
        for (OptionOutcome o : outcomes) {
            if (o.status() != OptionOutcome.Status.APPLIED) {
                return false;
            }
        }
        return true;
    }
}
