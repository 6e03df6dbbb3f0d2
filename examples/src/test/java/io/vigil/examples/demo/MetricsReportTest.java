package io.vigil.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsReportTest {

    private static final String SCRAPE = String.join("\n",
            "# HELP vigil_keepalive_probes_sent_total Keepalive probes sent to quiet peers",
            "vigil_keepalive_probes_sent_total{protocol=\"heartbeat\",side=\"server\"} 9.0",
            "vigil_keepalive_probes_sent_total{protocol=\"tcp\",side=\"server\"} 2.0",
            "vigil_keepalive_verdicts_total{reason=\"kernel_timeout\"} 2.0",
            "vigil_keepalive_verdicts_total{reason=\"write_stalled\"} 1.0",
            "vigil_keepalive_detection_latency_seconds_count{reason=\"kernel_timeout\"} 2",
            "vigil_keepalive_detection_latency_seconds_sum{reason=\"kernel_timeout\"} 10.2",
            "vigil_kernel_keepalive_probes_count{side=\"server\"} 27",
            "vigil_kernel_keepalive_probes_sum{side=\"server\"} 0.0",
            "vigil_kernel_keepalive_probes_max{side=\"server\"} 3.0",
            "vigil_kernel_retransmits_max{side=\"server\"} 2.0",
            "jvm_threads_live 12");

    @Test
    void sumsOverConnectionsAndNamesASampleCountAsSamples() {
        List<String> lines = MetricsReport.parse(SCRAPE).lines();
        assertThat(lines).anyMatch(l -> l.startsWith("userspace probes sent:") && l.contains(" 11 "));
        assertThat(lines).anyMatch(l -> l.startsWith("peers declared dead, by reason:")
                && l.contains("kernel_timeout 2, write_stalled 1"));
        assertThat(lines).anyMatch(l -> l.contains("kernel_timeout 5.1 s"));
        assertThat(lines).anyMatch(l -> l.startsWith("TCP_INFO samples taken") && l.contains(" 27 ")
                && l.contains("samples, not probes"));
        assertThat(lines).anyMatch(l -> l.startsWith("most unanswered kernel keepalive probes seen on a tick:")
                && l.contains(" 3 "));
        assertThat(lines).noneMatch(l -> l.contains("jvm_"));
    }
}
