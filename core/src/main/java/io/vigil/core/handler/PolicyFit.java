package io.vigil.core.handler;

import io.vigil.core.internal.timer.TimerWheels;
import io.vigil.core.kernel.KernelOption;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.policy.DurationFormat;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.policy.KernelKeepAlive;
import io.vigil.core.policy.KernelRounding;
import java.time.Duration;

/**
 * Which policy a keepalive handler can really follow: one whose deadlines the timer can keep, and on a socket whose
 * kernel could not take every option, what the kernel will really do there.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
final class PolicyFit {

    private PolicyFit() {
    }

    /** The timer cannot keep deadlines finer than its tick: such a policy is refused, with the reason. */
    static KeepAlivePolicy resolvable(KeepAlivePolicy policy) {
        long tick;
        try {
            tick = TimerWheels.config().tickNanos();
        } catch (IllegalArgumentException badTimerProperty) {
            return policy; // reported, naming the property, when the handler arms its timer
        }
        if (policy.intervalNanos() < tick || policy.idleNanos() < tick) {
            String which = policy.intervalNanos() < tick ? "interval = " + DurationFormat.formatNanos(
                    policy.intervalNanos()) : "idle = " + DurationFormat.formatNanos(policy.idleNanos());
            throw new IllegalArgumentException(which + " is finer than the keepalive timer's tick of "
                    + DurationFormat.formatNanos(tick) + " (io.vigil.timer.tickMillis): its deadlines could not be kept;"
                    + " allowed >= " + DurationFormat.formatNanos(tick));
        }
        return policy;
    }

    /**
     * The policy this layer must follow given what the kernel took: {@code policy} itself, or, when the kernel runs
     * the same idle, interval and probes without the requested user timeout, the same without a user timeout.
     */
    static KeepAlivePolicy followKernel(KeepAlivePolicy policy, KernelOptionsReport report) {
        if (policy.userTimeoutNanos() == 0) {
            return policy;
        }
        KernelKeepAlive kernel = policy.toKernel(KernelRounding.ROUND_UP);
        boolean userTimeoutMissing = false;
        int matched = 0;
        for (OptionOutcome o : report.outcomes()) {
            boolean applied = o.status() == OptionOutcome.Status.APPLIED;
            switch (o.option()) {
                case TCP_USER_TIMEOUT:
                    userTimeoutMissing = o.status() == OptionOutcome.Status.UNSUPPORTED && o.requested() > 0;
                    break;
                case SO_KEEPALIVE:
                    matched += applied && o.requested() == 1 ? 1 : 0;
                    break;
                case TCP_KEEPIDLE:
                    matched += applied && o.requested() == kernel.idleSeconds() ? 1 : 0;
                    break;
                case TCP_KEEPINTVL:
                    matched += applied && o.requested() == kernel.intervalSeconds() ? 1 : 0;
                    break;
                case TCP_KEEPCNT:
                    matched += applied && o.requested() == kernel.probes() ? 1 : 0;
                    break;
                default:
                    break;
            }
        }
        return userTimeoutMissing && matched == KernelOption.values().length - 1
                ? policy.toBuilder().userTimeout(Duration.ZERO).build() : policy;
    }
}
