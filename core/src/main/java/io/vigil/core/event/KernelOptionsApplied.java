package io.vigil.core.event;

import io.vigil.core.kernel.KernelOptionsReport;
import java.util.Objects;

/**
 * The kernel options of the policy were set on this channel's socket and read back: what applied and what could
 * not. Fired once per channel, after connect or accept.
 *
 * @param report the outcome of each requested option
 * @since 0.1
 */
public record KernelOptionsApplied(KernelOptionsReport report) implements HealthEvent {

    /**
     * Checks the argument.
     *
     * @throws NullPointerException if the report is null
     */
    public KernelOptionsApplied {
        Objects.requireNonNull(report, "report");
    }
}
