package io.vigil.core.metrics;

import static io.vigil.core.testing.HealthScenario.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.core.event.ConnectionRetired;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.Evidence;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.event.PeerDead;
import io.vigil.core.machine.HealthState;
import io.vigil.core.kernel.KernelOption;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import io.vigil.core.testing.HealthScenario;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Micrometer recorder against a {@link SimpleMeterRegistry}, driven by the real handler under mock time
 * ({@link HealthScenario}): every count, round-trip sample, verdict and connection state is asserted exactly.
 */
class MicrometerHealthRecorderTest {

    private static final HealthSubject SUBJECT = new HealthSubject("testchannel", HealthSubject.CLIENT, "heartbeat");
    private static final HealthSubject EPOLL = new HealthSubject("epoll", HealthSubject.SERVER, "heartbeat");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerHealthRecorder recorder = new MicrometerHealthRecorder(Tags.of("app", "test"));

    private double count(VigilMeters meter, String... tags) {
        return registry.get(meter.getName()).tags("transport", "testchannel").tags(tags).counter().count();
    }

    private Timer timer(VigilMeters meter, String... tags) {
        return registry.get(meter.getName()).tags("transport", "testchannel").tags(tags).timer();
    }

    private double connections(String state) {
        return registry.get(VigilMeters.CONNECTIONS.getName()).tags("transport", "testchannel", "state", state)
                .gauge().value();
    }

    private void assertConnections(int active, int probing, int suspended) {
        assertThat(new double[] {connections("active"), connections("probing"), connections("suspended")})
                .as("active, probing, suspended").containsExactly(active, probing, suspended);
    }

    @Test
    void thePeersAddressIsATagOnlyWhenAskedFor() {
        recorder.bindTo(registry);
        assertThat(recorder.tagsRemoteAddress()).isFalse();
        MicrometerHealthRecorder withAddress = new MicrometerHealthRecorder(Tags.of("app", "test"), true);
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        withAddress.bindTo(other);
        assertThat(withAddress.tagsRemoteAddress()).isTrue();
        assertThat(CompositeHealthRecorder.of(recorder, withAddress).tagsRemoteAddress()).isTrue();
        HealthSubject remote = new HealthSubject("nio", HealthSubject.CLIENT, "heartbeat", "198.18.0.2");
        recorder.probeSent(remote, 1);
        withAddress.probeSent(remote, 1);
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getTag("remote.address")).as(m.getId().toString()).isNull();
        }
        assertThat(other.get(VigilMeters.PROBES_SENT.getName()).tag("remote.address", "198.18.0.2").counter().count())
                .isEqualTo(1);
        // A subject without an address (the handler asks the recorder) gets no such tag even when allowed.
        withAddress.probeSent(SUBJECT, 1);
        assertThat(other.get(VigilMeters.PROBES_SENT.getName()).tags("transport", "testchannel").counter()
                .getId().getTag("remote.address")).isNull();
    }

    @Test
    void aScriptedHistoryYieldsExactlyItsProbesAcksVerdictsAndRoundTripTimes() {
        recorder.bindTo(registry);
        try (HealthScenario scenario = new HealthScenario(recorder)) {
            assertConnections(4, 0, 0);
            scenario.suspendHalfClosed();
            assertConnections(3, 0, 1);
            scenario.silentPeerDies();
            assertConnections(2, 0, 1);
            assertThat(count(VigilMeters.PROBES_SENT)).isEqualTo(3);
            assertThat(count(VigilMeters.VERDICTS, "reason", "probes_unanswered")).isEqualTo(1);
            scenario.userTimeoutPeerDies();
            assertConnections(1, 0, 1);
            scenario.answeringPeerIsProbed();
            assertConnections(0, 1, 1);
            scenario.answeringPeerAnswers();
            assertConnections(0, 0, 1);
            scenario.closeAll();
            assertConnections(0, 0, 0);

            assertThat(count(VigilMeters.PROBES_SENT)).isEqualTo(HealthScenario.PROBES_SENT)
                    .isEqualTo(scenario.probesSentSeen());
            assertThat(count(VigilMeters.PEER_ALIVE)).isEqualTo(HealthScenario.PEER_ALIVE)
                    .isEqualTo(scenario.peerAliveSeen());
            assertThat(count(VigilMeters.PROBES_UNANSWERED)).isEqualTo(HealthScenario.PROBES_UNANSWERED);
            assertThat(count(VigilMeters.VERDICTS, "reason", "probes_unanswered")
                    + count(VigilMeters.VERDICTS, "reason", "user_timeout"))
                    .isEqualTo(HealthScenario.VERDICTS).isEqualTo(scenario.verdictsSeen());
            assertThat(registry.find(VigilMeters.VERDICTS.getName()).counters()).hasSize(2);

            Timer rtt = timer(VigilMeters.PROBE_RTT);
            assertThat(rtt.count()).isEqualTo(HealthScenario.RTTS.size());
            assertThat(rtt.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(170 * MS);
            assertThat(rtt.max(TimeUnit.NANOSECONDS)).isEqualTo(120 * MS);
            // The histogram holds the two samples: none up to 25 ms, one up to 50 and 100 ms, both from 250 ms on.
            CountAtBucket[] buckets = rtt.takeSnapshot().histogramCounts();
            assertThat(buckets).hasSize(MicrometerHealthRecorder.RTT_BUCKETS.size());
            for (CountAtBucket b : buckets) {
                double le = b.bucket(TimeUnit.NANOSECONDS);
                assertThat(b.count()).as("samples <= %s ns", le).isEqualTo(le < 50 * MS ? 0 : le < 120 * MS ? 1 : 2);
            }
            for (String reason : List.of("probes_unanswered", "user_timeout")) {
                Timer detection = timer(VigilMeters.DETECTION_LATENCY, "reason", reason);
                assertThat(detection.count()).isEqualTo(1);
                assertThat(detection.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(HealthScenario.DETECTION_LATENCY);
            }
            assertThat(registry.find(VigilMeters.KERNEL_PROBES.getName()).meters())
                    .as("no TCP_INFO on this transport, so no kernel-sample meters").isEmpty();
        }
    }

    @Test
    void everyMeterIsDeclaredInVigilMetersWithItsTypeUnitAndTagKeys() {
        recorder.bindTo(registry);
        try (HealthScenario scenario = new HealthScenario(recorder)) {
            scenario.runAll();
        }
        recordKernelEvidence();
        recorder.shadowVerdict(EPOLL, new PeerDead(DeathReason.PROBES_UNANSWERED, new Evidence(5_000_000_000L, 3, 0, 0,
                null)));
        recordLifecycle();
        Set<VigilMeters> seen = new HashSet<>();
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (id.getName().endsWith(".histogram")) {
                // SimpleMeterRegistry publishes a histogram's buckets as gauges named after their timer.
                assertThat(byName(id.getName().substring(0, id.getName().length() - ".histogram".length())))
                        .isEqualTo(VigilMeters.PROBE_RTT);
                continue;
            }
            VigilMeters doc = byName(id.getName());
            seen.add(doc);
            assertThat(id.getType()).as(id.getName()).isEqualTo(doc.getType());
            assertThat(id.getBaseUnit()).as(id.getName())
                    .isEqualTo(doc.getType() == Meter.Type.TIMER ? "seconds" : doc.getBaseUnit());
            assertThat(id.getDescription()).as(id.getName()).isEqualTo(doc.description());
            List<String> keys = new ArrayList<>();
            for (KeyName k : doc.getKeyNames()) {
                keys.add(k.asString());
            }
            keys.add("app");
            List<String> actual = new ArrayList<>();
            for (Tag t : id.getTagsAsIterable()) {
                actual.add(t.getKey());
            }
            assertThat(actual).as(id.getName()).containsExactlyInAnyOrderElementsOf(keys);
        }
        assertThat(seen).containsExactlyInAnyOrder(VigilMeters.values());
    }

    private static VigilMeters byName(String name) {
        for (VigilMeters m : VigilMeters.values()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("meter " + name + " is not declared in VigilMeters");
    }

    private void recordKernelEvidence() {
        recorder.kernelOptions(EPOLL, new KernelOptionsReport("epoll", List.of(
                new OptionOutcome(KernelOption.SO_KEEPALIVE, 1, 1, OptionOutcome.Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_KEEPIDLE, 2, 2, OptionOutcome.Status.APPLIED),
                new OptionOutcome(KernelOption.TCP_USER_TIMEOUT, 5000, OptionOutcome.UNKNOWN,
                        OptionOutcome.Status.UNSUPPORTED))));
        recorder.kernelSample(EPOLL, new KernelSample(1, 2, 0, 0, 0, 3000, 1000, 50, 20, 0, 3000));
        recorder.kernelSample(EPOLL, new KernelSample(1, 0, 3, 2, 1, 10, 10, 50, 20, 7, 10));
    }

    private void recordLifecycle() {
        recorder.lifecycle(EPOLL, new PingStrike(1, 2, 1_000_000L, 300_000_000_000L, false));
        recorder.lifecycle(EPOLL, new TooManyPings(3));
        recorder.lifecycle(EPOLL, new PingBackoff("127.0.0.1:8080", 1_000_000_000L, 2_000_000_000L));
        recorder.lifecycle(EPOLL, new ConnectionRetired(ConnectionRetired.Reason.MAX_AGE, 1_000_000_000L, false));
        recorder.lifecycle(EPOLL, new ConnectionRetired(ConnectionRetired.Reason.MAX_AGE, 1_000_000_000L, true));
        recorder.lifecycle(EPOLL, new ConnectionRetired(ConnectionRetired.Reason.MAX_IDLE, 1_000_000_000L, false));
    }

    @Test
    void lifecycleEventsAreCountedStrikesClosesBackoffsAndRetirementsByReason() {
        recorder.bindTo(registry);
        recordLifecycle();
        recordLifecycle();
        assertThat(registry.get(VigilMeters.PING_STRIKES.getName()).counter().count()).isEqualTo(2);
        assertThat(registry.get(VigilMeters.TOO_MANY_PINGS.getName()).counter().count()).isEqualTo(2);
        assertThat(registry.get(VigilMeters.PING_BACKOFFS.getName()).counter().count()).isEqualTo(2);
        String retired = VigilMeters.RETIRED.getName();
        assertThat(registry.get(retired).tags("reason", "max_age").counter().count()).isEqualTo(2);
        assertThat(registry.get(retired).tags("reason", "max_age_forced").counter().count()).isEqualTo(2);
        assertThat(registry.get(retired).tags("reason", "max_idle").counter().count()).isEqualTo(2);
    }

    @Test
    void kernelOptionsAreCountedByOptionAndOutcomeAndSamplesWhereTcpInfoExists() {
        recorder.bindTo(registry);
        recordKernelEvidence();
        recordKernelEvidence();
        String options = VigilMeters.KERNEL_OPTIONS.getName();
        assertThat(registry.get(options).tags("transport", "epoll", "side", "server", "option", "TCP_KEEPIDLE",
                "outcome", "applied").counter().count()).isEqualTo(2);
        assertThat(registry.get(options).tags("option", "TCP_USER_TIMEOUT", "outcome", "unsupported").counter()
                .count()).isEqualTo(2);
        assertThat(registry.find(options).counters()).hasSize(3);
        var probes = registry.get(VigilMeters.KERNEL_PROBES.getName()).tags("transport", "epoll").summary();
        assertThat(probes.count()).isEqualTo(4);
        assertThat(probes.totalAmount()).isEqualTo(4);
        assertThat(probes.max()).isEqualTo(2);
        var retransmits = registry.get(VigilMeters.KERNEL_RETRANSMITS.getName()).tags("transport", "epoll").summary();
        assertThat(retransmits.count()).isEqualTo(4);
        assertThat(retransmits.max()).isEqualTo(3);
    }

    @Test
    void aVerdictsDetectionLatencyIsTheSilenceBeforeItAndItsProbesAreUnanswered() {
        recorder.bindTo(registry);
        recorder.peerDead(EPOLL, new PeerDead(DeathReason.KERNEL_TIMEOUT, new Evidence(917 * MS, 2, 0, 0, null)));
        // A verdict just after traffic stamped ahead of the clock: negative silence counts as 0.
        recorder.peerDead(EPOLL, new PeerDead(DeathReason.KERNEL_TIMEOUT, new Evidence(-20 * MS, 0, 0, 0, null)));
        Timer detection = registry.get(VigilMeters.DETECTION_LATENCY.getName()).tags("reason", "kernel_timeout")
                .timer();
        assertThat(detection.count()).isEqualTo(2);
        assertThat(detection.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(917 * MS);
        assertThat(registry.get(VigilMeters.PROBES_UNANSWERED.getName()).tags("transport", "epoll").counter()
                .count()).isEqualTo(2);
    }

    @Test
    void connectionsOpenedBeforeBindingAreCountedButEarlierEventsAreNot() {
        try (HealthScenario scenario = new HealthScenario(recorder)) {
            scenario.silentPeerDies();
            assertThat(recorder.connections(SUBJECT, HealthState.ACTIVE)).isEqualTo(3);
            recorder.bindTo(registry);
            assertConnections(3, 0, 0);
            assertThat(count(VigilMeters.PROBES_SENT)).isZero();
            scenario.answeringPeerIsProbed();
            assertConnections(2, 1, 0);
            assertThat(count(VigilMeters.PROBES_SENT)).isEqualTo(1);
        }
        assertConnections(0, 0, 0);
    }

    @Test
    void boundToTwoRegistriesEachGetsEveryEventOnce() {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        recorder.bindTo(registry);
        recorder.bindTo(other);
        recorder.bindTo(registry);
        try (HealthScenario scenario = new HealthScenario(recorder)) {
            scenario.runAll();
        }
        for (MeterRegistry r : List.of(registry, other)) {
            assertThat(r.get(VigilMeters.PROBES_SENT.getName()).counter().count())
                    .isEqualTo(HealthScenario.PROBES_SENT);
            assertThat(r.get(VigilMeters.PROBE_RTT.getName()).timer().count()).isEqualTo(HealthScenario.RTTS.size());
        }
        assertThat(recorder).hasToString("MicrometerHealthRecorder(tags [tag(app=test)], registries bound 2)");
    }

    @Test
    void aCommonTagMayNotTakeAKeyOfVigilsMeters() {
        assertThatThrownBy(() -> new MicrometerHealthRecorder(Tags.of("reason", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tags: key 'reason' is set by Vigil's meters; choose another key for the common tag");
    }

    @Test
    @Timeout(60)
    void recordingAProbeAnAckOrAStateChangeAllocatesNothingOnceItsMetersExist() {
        recorder.bindTo(registry);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        // The first round registers the subject's meters, and the interpreter allocates what compiled code does
        // not; so rounds repeat until the JIT has caught up. One-off bytes (a compilation, a histogram rotation)
        // may remain, but an allocation per recording would be at least 16 B × 80,000 in every round.
        List<Long> allocated = new ArrayList<>();
        int rounds = 0;
        do {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 20_000; i++) {
                recorder.stateChanged(SUBJECT, HealthState.ACTIVE, HealthState.PROBING);
                recorder.probeSent(SUBJECT, 1);
                recorder.peerAlive(SUBJECT, 1, 3 * MS);
                recorder.stateChanged(SUBJECT, HealthState.PROBING, HealthState.ACTIVE);
            }
            allocated.add(threads.getThreadAllocatedBytes(thread) - before);
            rounds++;
        } while (allocated.get(allocated.size() - 1) >= 8_000 && rounds < 50);
        assertThat(allocated.get(allocated.size() - 1)).as("bytes allocated per round of 80,000 recordings: %s",
                allocated).isLessThan(8_000);
        assertThat(count(VigilMeters.PROBES_SENT)).isEqualTo(rounds * 20_000);
        assertThat(timer(VigilMeters.PROBE_RTT).count()).isEqualTo(rounds * 20_000);
    }

    @Test
    @Timeout(30)
    void connectionCountsKeptPerThreadAddUpAcrossThreads() throws InterruptedException {
        ConnectionCounts counts = new ConnectionCounts();
        int threads = 4;
        int perThread = 10_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    counts.move(HealthState.CLOSED, HealthState.ACTIVE);
                    counts.move(HealthState.ACTIVE, HealthState.PROBING);
                    if (i % 2 == 0) {
                        counts.move(HealthState.PROBING, HealthState.DEAD);
                        counts.move(HealthState.DEAD, HealthState.CLOSED);
                    } else if (i % 5 == 0) {
                        counts.move(HealthState.PROBING, HealthState.SUSPENDED);
                    }
                }
            }, "counts-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        // Per thread: 5000 die, 1000 (odd multiples of 5) are suspended, 4000 stay probing.
        assertThat(counts.count(HealthState.ACTIVE)).isZero();
        assertThat(counts.count(HealthState.PROBING)).isEqualTo(threads * 4_000L);
        assertThat(counts.count(HealthState.SUSPENDED)).isEqualTo(threads * 1_000L);
        assertThat(counts.count(HealthState.DEAD)).isZero();
        // A connection that moves to another thread and closes there leaves the sum right.
        counts.move(HealthState.CLOSED, HealthState.ACTIVE);
        Thread other = new Thread(() -> counts.move(HealthState.ACTIVE, HealthState.CLOSED));
        other.start();
        other.join();
        assertThat(counts.count(HealthState.ACTIVE)).isZero();
    }
}
