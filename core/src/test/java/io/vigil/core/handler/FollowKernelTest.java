package io.vigil.core.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.kernel.KernelOption;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.kernel.OptionOutcome.Status;
import io.vigil.core.policy.KeepAlivePolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PolicyFit#followKernel}: the userspace layer drops its user timeout only where the kernel did. */
class FollowKernelTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(7))
            .interval(Duration.ofSeconds(3)).probes(4).userTimeout(Duration.ofMillis(12_500)).build();

    private static KernelOptionsReport report(long idle, Status userTimeout) {
        return new KernelOptionsReport("nio", List.of(
                new OptionOutcome(KernelOption.SO_KEEPALIVE, 1, 1, Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_KEEPIDLE, idle, idle, Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_KEEPINTVL, 3, 3, Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_KEEPCNT, 4, 4, Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_USER_TIMEOUT, 12_500, OptionOutcome.UNKNOWN, userTimeout)));
    }

    @Test
    void theSamePolicyWithoutTheUserTimeoutIsFollowed() {
        KeepAlivePolicy followed = PolicyFit.followKernel(POLICY, report(7, Status.UNSUPPORTED));
        assertThat(followed).isEqualTo(POLICY.toBuilder().userTimeout(Duration.ZERO).build());
    }

    @Test
    void aKernelThatTookTheUserTimeoutOrRunsAnotherPolicyChangesNothing() {
        assertThat(PolicyFit.followKernel(POLICY, report(7, Status.APPLIED))).isSameAs(POLICY);
        assertThat(PolicyFit.followKernel(POLICY, report(8, Status.UNSUPPORTED))).isSameAs(POLICY);
        KeepAlivePolicy none = POLICY.toBuilder().userTimeout(Duration.ZERO).build();
        assertThat(PolicyFit.followKernel(none, report(7, Status.UNSUPPORTED))).isSameAs(none);
    }
}
