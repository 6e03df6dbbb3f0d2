package io.vigil.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The report shows, per part of the record, only the machine.txt lines of the run whose JSON it reads. */
class MachineSectionsTest {

    private static final String MACHINE = String.join("\n",
            "mode: record (part: e2e,accept,fleet)",
            "cores: 2",
            "load before e2e:  load average: 0.87, 1.16, 1.12",
            "load before accept:  load average: 1.43, 1.44, 1.41",
            "load before fleet:  load average: 3.88, 3.46, 2.47",
            "mode: record (part: fleet)",
            "load before fleet:  load average: 0.55, 2.05, 2.10",
            "fleet: 19000 connections, not 50000",
            "mode: record (part: fleet)",
            "load before fleet:  load average: 0.51, 0.12, 0.04",
            "fleet: 18000 connections, not 50000",
            "finished: 2026-12-01T11:36:10Z",
            "");

    @Test
    void aPartReRunSupersedesTheEarlierLinesAboutItAndOnlyThose() {
        String current = Report.current(MACHINE);
        assertThat(current).contains("load before e2e:", "load before accept:", "load average: 0.51",
                "fleet: 18000 connections");
        assertThat(current).doesNotContain("3.88", "0.55", "fleet: 19000");
        // The middle section was superseded whole.
        assertThat(current.split("mode: ", -1)).hasSize(3);
    }

    @Test
    void theLoadStatementReadsOnlyTheCurrentSamples() {
        assertThat(Report.loadStatement(Report.current(MACHINE))).contains("reached 1.43");
    }
}
