package io.vigil.core.metrics;

import static io.vigil.core.testing.HealthScenario.MS;
import static io.vigil.core.testing.HealthScenario.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.event.ConnectionRetired;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.Evidence;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.event.PeerDead;
import io.vigil.core.testing.HealthScenario;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flight-recorder events, recorded in a real in-process recording, dumped to a file and read back with
 * {@code jdk.jfr.consumer}: one event per probe, ack and verdict of the scripted history, with their fields.
 */
@Timeout(60)
class JfrHealthRecorderTest {

    private static final HealthSubject EPOLL = new HealthSubject("epoll", HealthSubject.SERVER, "heartbeat");

    @TempDir
    Path dir;

    private List<RecordedEvent> record(boolean enabled, Runnable script) throws IOException {
        try (Recording recording = new Recording()) {
            for (String name : List.of(JfrHealthRecorder.PROBE_SENT, JfrHealthRecorder.PEER_ALIVE,
                    JfrHealthRecorder.PEER_DEAD, JfrHealthRecorder.PING_STRIKE, JfrHealthRecorder.TOO_MANY_PINGS,
                    JfrHealthRecorder.PING_BACKOFF, JfrHealthRecorder.CONNECTION_RETIRED)) {
                if (enabled) {
                    recording.enable(name);
                } else {
                    recording.disable(name);
                }
            }
            recording.start();
            script.run();
            recording.stop();
            Path file = dir.resolve("vigil-" + enabled + ".jfr");
            recording.dump(file);
            List<RecordedEvent> ours = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (e.getEventType().getName().startsWith("io.vigil.")) {
                    ours.add(e);
                }
            }
            return ours;
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        List<RecordedEvent> out = new ArrayList<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void lifecycleEventsAreFlightRecorderEventsWithTheirFields() throws IOException {
        List<RecordedEvent> events = record(true, () -> {
            JfrHealthRecorder.INSTANCE.lifecycle(EPOLL, new PingStrike(1, 2, 1_000L, 300_000_000_000L, true));
            JfrHealthRecorder.INSTANCE.lifecycle(EPOLL, new TooManyPings(3));
            JfrHealthRecorder.INSTANCE.lifecycle(EPOLL, new PingBackoff("127.0.0.1:8080", 1_000L, 2_000L));
            JfrHealthRecorder.INSTANCE.lifecycle(EPOLL,
                    new ConnectionRetired(ConnectionRetired.Reason.MAX_AGE, 5_000L, true));
        });
        RecordedEvent strike = named(events, JfrHealthRecorder.PING_STRIKE).get(0);
        assertThat(strike.getInt("strikes")).isEqualTo(1);
        assertThat(strike.getBoolean("withoutWork")).isTrue();
        assertThat(strike.getString("transport")).isEqualTo("epoll");
        assertThat(named(events, JfrHealthRecorder.TOO_MANY_PINGS).get(0).getInt("strikes")).isEqualTo(3);
        assertThat(named(events, JfrHealthRecorder.PING_BACKOFF).get(0).getString("remoteAddress"))
                .isEqualTo("127.0.0.1:8080");
        RecordedEvent retired = named(events, JfrHealthRecorder.CONNECTION_RETIRED).get(0);
        assertThat(retired.getString("reason")).isEqualTo("max_age");
        assertThat(retired.getBoolean("forced")).isTrue();
    }

    @Test
    void everyProbeAckAndVerdictOfTheScriptIsAnEventWithItsFields() throws IOException {
        List<RecordedEvent> events = record(true, () -> {
            try (HealthScenario scenario = new HealthScenario(JfrHealthRecorder.INSTANCE)) {
                scenario.runAll();
            }
        });

        List<RecordedEvent> sent = named(events, JfrHealthRecorder.PROBE_SENT);
        assertThat(sent).hasSize(HealthScenario.PROBES_SENT);
        List<Integer> probeNumbers = new ArrayList<>();
        for (RecordedEvent e : sent) {
            probeNumbers.add(e.getInt("probe"));
            assertThat(e.getString("transport")).isEqualTo("testchannel");
            assertThat(e.getString("side")).isEqualTo("client");
            assertThat(e.getString("protocol")).isEqualTo("heartbeat");
            assertThat(e.getStackTrace()).isNull();
        }
        // Silent: 1, 2, 3; user timeout: 1; answering: 1 in each of three episodes.
        assertThat(probeNumbers).containsExactlyInAnyOrder(1, 2, 3, 1, 1, 1, 1);

        List<RecordedEvent> acked = named(events, JfrHealthRecorder.PEER_ALIVE);
        assertThat(acked).hasSize(HealthScenario.PEER_ALIVE);
        List<Long> rtts = new ArrayList<>();
        for (RecordedEvent e : acked) {
            assertThat(e.getInt("probes")).isEqualTo(1);
            rtts.add(e.getLong("rtt"));
        }
        assertThat(rtts).containsExactlyInAnyOrder(50 * MS, -1L, 120 * MS);

        List<RecordedEvent> dead = named(events, JfrHealthRecorder.PEER_DEAD);
        assertThat(dead).hasSize(HealthScenario.VERDICTS);
        List<String> verdicts = new ArrayList<>();
        for (RecordedEvent e : dead) {
            verdicts.add(e.getString("reason") + " after " + e.getDuration("sinceLastInbound").toMillis() + " ms, "
                    + e.getInt("probesOut") + " out, " + e.getLong("pendingBytes") + " B pending, kernel "
                    + e.getBoolean("kernelSampled"));
        }
        assertThat(verdicts).containsExactlyInAnyOrder(
                "PROBES_UNANSWERED after 5000 ms, 3 out, 0 B pending, kernel false",
                "USER_TIMEOUT after 5000 ms, 1 out, 0 B pending, kernel false");
    }

    @Test
    void aVerdictCarriesTheKernelsTcpInfoEvidence() throws IOException {
        KernelSample sample = new KernelSample(1, 4, 2, 3, 5, 9_000, 8_000, 1_500, 300, 11, 7_000);
        List<RecordedEvent> events = record(true, () -> JfrHealthRecorder.INSTANCE.peerDead(EPOLL,
                new PeerDead(DeathReason.KERNEL_TIMEOUT, new Evidence(9 * S, 0, 4096, 2 * S, sample))));
        assertThat(events).hasSize(1);
        RecordedEvent e = events.get(0);
        assertThat(e.getString("transport")).isEqualTo("epoll");
        assertThat(e.getString("side")).isEqualTo("server");
        assertThat(e.getString("reason")).isEqualTo("KERNEL_TIMEOUT");
        assertThat(e.getDuration("sinceLastInbound")).isEqualTo(Duration.ofSeconds(9));
        assertThat(e.getLong("pendingBytes")).isEqualTo(4096);
        assertThat(e.getDuration("sinceWriteProgress")).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.getBoolean("kernelSampled")).isTrue();
        assertThat(e.getInt("tcpState")).isEqualTo(1);
        assertThat(e.getInt("kernelProbes")).isEqualTo(4);
        assertThat(e.getInt("retransmits")).isEqualTo(2);
        assertThat(e.getInt("backoff")).isEqualTo(3);
        assertThat(e.getLong("unacked")).isEqualTo(5);
        assertThat(e.getDuration("lastDataReceived")).isEqualTo(Duration.ofSeconds(9));
        assertThat(e.getDuration("lastAckReceived")).isEqualTo(Duration.ofSeconds(8));
        assertThat(e.getDuration("kernelRtt")).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(e.getDuration("kernelRttVar")).isEqualTo(Duration.ofNanos(300_000));
        assertThat(e.getLong("totalRetransmits")).isEqualTo(11);
    }

    @Test
    void withNoRecordingRunningTheRecorderAllocatesNothingOnceCompiled() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        PeerDead verdict = new PeerDead(DeathReason.PROBES_UNANSWERED, new Evidence(5 * S, 3, 0, 0, null));
        // The recorder asks whether the event type is enabled before making an event object, so nothing is allocated
        // even before the JIT has compiled anything; rounds repeat only to let class loading settle.
        List<Long> allocated = new ArrayList<>();
        do {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 20_000; i++) {
                JfrHealthRecorder.INSTANCE.probeSent(EPOLL, 1);
                JfrHealthRecorder.INSTANCE.peerAlive(EPOLL, 1, 3 * MS);
                JfrHealthRecorder.INSTANCE.peerDead(EPOLL, verdict);
            }
            allocated.add(threads.getThreadAllocatedBytes(thread) - before);
        } while (allocated.get(allocated.size() - 1) >= 6_000 && allocated.size() < 50);
        assertThat(allocated.get(allocated.size() - 1)).as("bytes allocated per round of 60,000 calls: %s",
                allocated).isLessThan(6_000);
    }

    @Test
    void disabledEventsAreNotRecorded() throws IOException {
        List<RecordedEvent> events = record(false, () -> {
            try (HealthScenario scenario = new HealthScenario(JfrHealthRecorder.INSTANCE)) {
                scenario.runAll();
                assertThat(scenario.verdictsSeen()).isEqualTo(HealthScenario.VERDICTS);
            }
        });
        assertThat(events).isEmpty();
    }
}
