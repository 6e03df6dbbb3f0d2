package io.vigil.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs each end-to-end measurement once, tiny and on one transport, so none can rot: the echo server in every
 * keepalive mode against its load-generator process, a small idle fleet whose hung peer Vigil detects, and the
 * accept path per child and on the listener. Timings are not judged.
 */
class EndToEndSmokeTest {

    private static final String TRANSPORT = Net.transports().get(0);

    @Test
    void echoRunsInEveryModeAgainstASeparateLoadProcess() throws Exception {
        for (String mode : EchoBench.MODES) {
            String run = EchoBench.once(TRANSPORT, mode, 0, 300, 600, 2, 1000);
            // Cold JVMs on a busy machine may answer nothing inside so short a saturation window: not judged here.
            assertThat(Double.parseDouble(EchoBench.field(run, "saturationRps"))).as(run).isNotNegative();
            assertThat(Double.parseDouble(EchoBench.field(run, "p99Us"))).as(run).isPositive();
            assertThat(Double.parseDouble(EchoBench.field(run, "rateAnswers"))).as(run).isPositive();
            assertThat(Double.parseDouble(EchoBench.field(run, "loopCpuUsPerRequest"))).as("the loop thread's share: "
                    + run).isPositive();
        }
    }

    @Test
    void idleFleetMeasuresAndVigilDetectsTheHungPeer() throws Exception {
        String run = IdleFleet.once(TRANSPORT, "vigil", 200, 300, Duration.ofSeconds(1), Duration.ofSeconds(1), 9);
        assertThat(Double.parseDouble(EchoBench.field(run, "heapBytesPerConnection"))).as(run).isPositive();
        assertThat(Double.parseDouble(EchoBench.field(run, "detectionMs"))).as(run).isPositive();
        assertThat(Double.parseDouble(EchoBench.field(run, "probesPerSec"))).as(run).isNotNegative();
        assertThat(EchoBench.field(run, "heapTop")).as("the heap histogram's growth by class: " + run)
                .matches("\"[^\"]+=[0-9.]+.*\"");
    }

    @Test
    void aFleetRunInAJvmOfItsOwnReportsAndExits() throws Exception {
        String run = IdleFleet.inFreshJvm("256m", TRANSPORT, "ish", 100, 300, 1000, 1000, 10);
        assertThat(EchoBench.field(run, "mode")).isEqualTo("\"ish\"");
        assertThat(Double.parseDouble(EchoBench.field(run, "detectionMs"))).as("ISH + prober finds the hung peer: "
                + run).isPositive();
    }

    @Test
    void acceptPathRunsPerChildAndOnTheListener() throws Exception {
        for (String mode : AcceptBench.MODES) {
            String run = AcceptBench.once(TRANSPORT, mode, 0, 100, 300, 1);
            assertThat(Double.parseDouble(EchoBench.field(run, "acceptsPerSecond"))).as(run).isPositive();
            if (mode.contains("child") || mode.contains("report")) {
                // Every child read its options back and reported them.
                assertThat(Long.parseLong(EchoBench.field(run, "reports"))).as(run).isPositive();
            }
            if (!"none".equals(mode) && !"listener".equals(mode) && !"nio".equals(TRANSPORT)) {
                // Read back on the accepted sockets: set per child, or set once on the listener and inherited,
                // every option is as requested on every child.
                assertThat(EchoBench.field(run, "allApplied")).as(run).isEqualTo(EchoBench.field(run, "reports"));
            }
        }
    }
}
