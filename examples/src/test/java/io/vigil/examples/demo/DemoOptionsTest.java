package io.vigil.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsAreTheShortWholeSecondPolicyAndEveryScenario() {
        DemoOptions o = DemoOptions.parse();
        assertThat(o.policy().idle()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.policy().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.policy().probes()).isEqualTo(3);
        assertThat(o.policy().userTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.scenarios()).containsExactly(1, 2, 3, 4);
        assertThat(o.transport()).isEqualTo("auto");
        assertThat(o.help()).isFalse();
    }

    @Test
    void policyFromItsPartsOrFromABudget() {
        DemoOptions parts = DemoOptions.parse("--idle", "3s", "--interval", "2", "--probes", "4", "--user-timeout",
                "9000ms");
        assertThat(parts.policy().idle()).isEqualTo(Duration.ofSeconds(3));
        assertThat(parts.policy().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(parts.policy().probes()).isEqualTo(4);
        assertThat(parts.policy().userTimeout()).isEqualTo(Duration.ofSeconds(9));
        DemoOptions budget = DemoOptions.parse("--budget", "12s");
        // The planner keeps the kernel's real (late) verdict within the budget: the nominal one lands earlier.
        assertThat(budget.policy().silentPeerVerdict()).isLessThanOrEqualTo(Duration.ofSeconds(12))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void scenariosByNumberOrName() {
        assertThat(DemoOptions.parse("--scenarios", "hung,4").scenarios()).containsExactly(2, 4);
        assertThatThrownBy(() -> DemoOptions.parse("--scenarios", "5")).hasMessageContaining("'5' is not 1 .. 4");
    }

    @Test
    void rejectsWhatTheKernelCannotCarryAndMixedPolicies() {
        assertThatThrownBy(() -> DemoOptions.parse("--budget", "3s")).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> DemoOptions.parse("--idle", "1500ms")).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> DemoOptions.parse("--budget", "12s", "--probes", "2"))
                .hasMessageContaining("either --budget");
        assertThatThrownBy(() -> DemoOptions.parse("--user-timeout", "0")).hasMessageContaining("user timeout");
        assertThatThrownBy(() -> DemoOptions.parse("--metrics-port", "70000")).hasMessageContaining("0 .. 65535");
        assertThatThrownBy(() -> DemoOptions.parse("--idle")).hasMessageContaining("value is missing");
        assertThatThrownBy(() -> DemoOptions.parse("--frobnicate", "1")).hasMessageContaining("unknown option");
    }

    @Test
    void helpDocumentsEveryOption() {
        assertThat(DemoOptions.parse("--help").help()).isTrue();
        assertThat(DemoOptions.USAGE).contains("--budget", "--idle", "--interval", "--probes", "--user-timeout",
                "--transport", "--scenarios", "--metrics-port");
    }
}
