package io.vigil.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** gRPC's {@code KeepAliveEnforcer} rules, by hand-driven time, and the settings' validation. */
class PingPolicerTest {

    private static final long S = 1_000_000_000L;
    private static final long MIN = 60 * S;

    @Test
    void defaultsAreGrpcs() {
        PingRatePolicy p = PingRatePolicy.defaults();
        assertThat(p.minIntervalNanos()).isEqualTo(5 * MIN);
        assertThat(p.minIntervalWithoutWorkNanos()).isEqualTo(120 * MIN);
        assertThat(p.maxStrikes()).isEqualTo(2);
    }

    @Test
    void pingsAreTimedFromTheStartAndTheLastPermittedOneAndTheThirdEarlyOneIsTooMany() {
        PingPolicer police = new PingPolicer(PingRatePolicy.builder().permitKeepAliveWithoutCalls(true).build(), 0);
        assertThat(police.onPing(5 * MIN, false)).isEqualTo(PingPolicer.PERMITTED);
        assertThat(police.onPing(10 * MIN, false)).isEqualTo(PingPolicer.PERMITTED);
        assertThat(police.onPing(14 * MIN, false)).isEqualTo(1);
        assertThat(police.onPing(15 * MIN, false)).as("on time again: permitted, strikes stay").isZero();
        assertThat(police.onPing(16 * MIN, false)).isEqualTo(2);
        assertThat(police.onPing(17 * MIN, false)).isEqualTo(PingPolicer.TOO_MANY);
    }

    @Test
    void withoutWorkTheLongerMinimumAppliesAndWorkSentRestoresTheStart() {
        PingPolicer police = new PingPolicer(PingRatePolicy.defaults(), 0);
        assertThat(police.onPing(10 * MIN, true)).isEqualTo(PingPolicer.PERMITTED);
        assertThat(police.onPing(20 * MIN, false)).as("no call open: 2 h").isEqualTo(1);
        assertThat(police.onPing(12 * MIN, true)).isEqualTo(2);
        police.onWorkSent();
        assertThat(police.strikes()).isZero();
        assertThat(police.onPing(22 * MIN, true)).as("timed from the start again").isEqualTo(PingPolicer.PERMITTED);
    }

    @Test
    void grpcClientsKeepAliveTimeMinimumIsAcceptedAndBadSettingsAreRefusedWithTheirRange() {
        assertThat(PingRatePolicy.builder().permitKeepAliveTime(Duration.ofSeconds(10)).build().minIntervalNanos())
                .isEqualTo(10 * S);
        assertThatThrownBy(() -> PingRatePolicy.builder().minInterval(Duration.ofDays(31)))
                .hasMessage("minInterval : 2678400 s (expected: 0 (no minimum) or 1 ms .. 2592000 s)");
        assertThatThrownBy(() -> PingRatePolicy.builder().maxStrikes(-1))
                .hasMessage("maxStrikes : -1 strikes (expected: 0 .. 1000 strikes)");
        assertThatThrownBy(() -> PingRatePolicy.builder().minInterval(Duration.ofHours(3)).build())
                .hasMessageStartingWith("minIntervalWithoutWork : 7200 s (expected: >= minInterval = 10800 s");
        assertThatThrownBy(() -> ConnectionLifetime.builder().maxAge(Duration.ofMillis(500)))
                .hasMessage("maxAge : 500 ms (expected: 0 (off) or 1 s .. 31536000 s)");
    }
}
