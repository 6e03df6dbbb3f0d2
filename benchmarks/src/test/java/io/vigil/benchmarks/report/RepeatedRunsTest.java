package io.vigil.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's figures over repeated runs that are not JMH forks: the idle fleet's runs per mode (median and range,
 * detection only over the runs that detected) and the end-to-end CPU split between the loop thread and the rest.
 */
class RepeatedRunsTest {

    @TempDir
    Path empty;

    private Report report(String e2e, String fleet) throws Exception {
        return new Report(Results.load(empty), e2e == null ? null : (Map<?, ?>) Json.parse(e2e),
                fleet == null ? null : (Map<?, ?>) Json.parse(fleet), null);
    }

    private static String fleetRun(int rep, String mode, double cpu, double heap, double detection) {
        return "{\"rep\":" + rep + ",\"mode\":\"" + mode + "\",\"loopCpuPct\":" + cpu + ",\"wakeupsPerSec\":400,"
                + "\"allocBytesPerSec\":1000,\"gcCount\":0,\"heapBytesPerConnection\":" + heap + ",\"probesPerSec\":"
                + "100,\"detectionMs\":" + detection + ",\"detectionBound\":\"PT14S\",\"heapTop\":\"[J=" + heap
                + "\"}";
    }

    @Test
    void theFleetShowsMediansAndRangesPerMode() throws Exception {
        String fleet = "{\"connections\":19000,\"reps\":3,\"runHeap\":\"4g\",\"runs\":["
                + fleetRun(1, "vigil", 16, 2300, 6100) + "," + fleetRun(1, "kernel", 0.01, 2000, -1) + ","
                + fleetRun(2, "kernel", 0.02, 2001, -1) + "," + fleetRun(2, "vigil", 18, 2350, 6200) + ","
                + fleetRun(3, "vigil", 12, 2400, -1) + "," + fleetRun(3, "kernel", 0.03, 2002, -1) + "]}";
        StringBuilder md = new StringBuilder();
        report(null, fleet).idleFleet(md, "fleet.png");

        assertThat(md.toString())
                .contains("Every mode ran 3 times, each run in a fresh JVM (4g heap")
                .contains("| vigil | 3 | 16.0 [12.0, 18.0] | 400 | 100 | 1000 | 10.0 | 0.00 | 2350 [2300, 2400] | "
                        + "6150 [6100, 6200] ms (2 of 3 runs detected it within PT14S) |")
                .contains("| kernel | 3 | 0.02 [0.01, 0.03] |")
                .contains("none within PT14S |")
                // heap by class from the run with the median live heap
                .contains("| vigil | 2350 | [J 2350.0 B |");
    }

    @Test
    void theEndToEndCpuGapIsSplitBetweenTheLoopThreadAndTheRest() throws Exception {
        StringBuilder runs = new StringBuilder();
        for (int rep = 0; rep < 5; rep++) {
            runs.append(rep == 0 ? "" : ",").append("{\"transport\":\"nio\",\"mode\":\"none\",\"cpuUsPerRequest\":")
                    .append(15 + rep * 0.1).append(",\"loopCpuUsPerRequest\":").append(10 + rep * 0.1).append("},")
                    .append("{\"transport\":\"nio\",\"mode\":\"vigil\",\"cpuUsPerRequest\":").append(18 + rep * 0.1)
                    .append(",\"loopCpuUsPerRequest\":").append(10.5 + rep * 0.1).append('}');
        }
        String split = report("{\"transports\":[\"nio\"],\"runs\":[" + runs + "]}", null).cpuSplit("nio");

        assertThat(split).isEqualTo("Vigil − none: whole process 3.00 [2.60, 3.40] µs/request, of which the loop "
                + "thread (the request path) 0.50 [0.10, 0.90] µs/request (loop thread: Vigil 10.7 [10.5, 10.9], "
                + "none 10.2 [10.0, 10.4])");
        assertThat(report("{\"transports\":[\"nio\"],\"runs\":[{\"transport\":\"nio\",\"mode\":\"none\","
                + "\"cpuUsPerRequest\":15},{\"transport\":\"nio\",\"mode\":\"vigil\",\"cpuUsPerRequest\":18}]}", null)
                .cpuSplit("nio")).isEqualTo("the loop thread's share was not recorded in this run");
    }

    @Test
    void theTickModeSplitsTheLoopThreadsGapBetweenThePeriodicTaskAndTheHandlerWhereVigilSchedulesItsTick()
            throws Exception {
        for (String transport : new String[] {"epoll", "nio"}) {
            StringBuilder runs = new StringBuilder();
            for (int rep = 0; rep < 3; rep++) {
                String t = "{\"transport\":\"" + transport + "\",\"mode\":";
                runs.append(rep == 0 ? "" : ",")
                        .append(t).append("\"none\",\"cpuUsPerRequest\":15,\"loopCpuUsPerRequest\":10},")
                        .append(t).append("\"tick\",\"cpuUsPerRequest\":17,\"loopCpuUsPerRequest\":")
                        .append(11.5 + rep * 0.1).append("},")
                        .append(t).append("\"vigil\",\"cpuUsPerRequest\":18,\"loopCpuUsPerRequest\":12}");
            }
            String split = report("{\"transports\":[\"" + transport + "\"],\"runs\":[" + runs + "]}", null)
                    .cpuSplit(transport);

            String scheduled = "; of the loop thread's, a task doing nothing scheduled at the wheel's tick costs "
                    + "(tick − none) 1.60 [1.50, 1.70] µs/request";
            // Epoll: Vigil schedules its tick, so the rest is the handler. NIO: its tick is handed over instead.
            assertThat(split).endsWith("epoll".equals(transport)
                    ? scheduled + " and the handler (Vigil − tick) 0.40 [0.30, 0.50] µs/request"
                    : scheduled + ", which Vigil does not pay on NIO: its tick is handed over, not scheduled");
        }
    }
}
