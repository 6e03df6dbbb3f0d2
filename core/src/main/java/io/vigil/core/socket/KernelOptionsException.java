package io.vigil.core.socket;

import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Fired down the pipeline (with {@code fireExceptionCaught}) by a strict {@link SocketKeepAlive} when a requested
 * kernel option could not be applied to the channel's socket, just before the channel is closed. The message names
 * each option that did not apply, with the requested and the effective value and the unit. It has no stack trace:
 * where it was thrown says nothing.
 *
 * @since 0.1
 */
public final class KernelOptionsException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient KernelOptionsReport report;

    /**
     * Creates the exception for a report.
     *
     * @param report the report, with at least one option not applied
     * @param cause the kernel's refusal of a {@code setsockopt}, if there was one
     */
    public KernelOptionsException(KernelOptionsReport report, @Nullable Throwable cause) {
        super(describe(report), cause);
        this.report = Objects.requireNonNull(report, "report");
    }

    /**
     * Returns the report.
     *
     * @return what applied and what did not
     */
    public KernelOptionsReport report() {
        return report;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    private static String describe(KernelOptionsReport report) {
        StringBuilder b = new StringBuilder("kernel keepalive options not applied on this ")
                .append(report.transport()).append(" socket (strict mode closes the channel): ");
        boolean first = true;
        for (OptionOutcome o : report.outcomes()) {
            if (o.status() != OptionOutcome.Status.APPLIED) {
                b.append(first ? "" : "; ").append(o);
                first = false;
            }
        }
        return b.toString();
    }
}
