package io.vigil.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.core.event.DeadPeerException;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.event.PeerDead;
import io.vigil.core.machine.HealthState;
import io.vigil.core.testing.EventRecorder.Timed;
import io.vigil.core.testing.HealthPeer;
import io.vigil.core.testing.HealthScenario;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Several recorders behind one: every call reaches each of them, in order, even when one throws; the failure still
 * reaches the handler, which logs it and carries on.
 */
class CompositeHealthRecorderTest {

    private static final HealthSubject SUBJECT = new HealthSubject("nio", HealthSubject.CLIENT, "heartbeat");

    /** Records its calls in a shared log. */
    private static final class Logging implements HealthRecorder {
        private final String name;
        private final List<String> log;

        Logging(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void probeSent(HealthSubject subject, int probe) {
            log.add(name + " sent " + probe);
        }

        @Override
        public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
            log.add(name + " " + from + "->" + to);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Throws from every method. */
    private static final class Throwing implements HealthRecorder {
        private final RuntimeException failure;

        Throwing(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public void probeSent(HealthSubject subject, int probe) {
            throw failure;
        }

        @Override
        public void peerAlive(HealthSubject subject, int probes, long rttNanos) {
            throw failure;
        }

        @Override
        public void peerDead(HealthSubject subject, PeerDead verdict) {
            throw failure;
        }

        @Override
        public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
            throw failure;
        }

        @Override
        public String toString() {
            return "throwing";
        }
    }

    @Test
    void noRecorderIsNoopOneIsItselfAndNestedOnesAreFlattened() {
        List<String> log = new ArrayList<>();
        HealthRecorder a = new Logging("a", log);
        HealthRecorder b = new Logging("b", log);
        HealthRecorder c = new Logging("c", log);
        assertThat(CompositeHealthRecorder.of()).isSameAs(HealthRecorder.NOOP);
        assertThat(CompositeHealthRecorder.of(HealthRecorder.NOOP, a)).isSameAs(a);
        HealthRecorder all = CompositeHealthRecorder.of(a, HealthRecorder.NOOP, CompositeHealthRecorder.of(b, c));
        assertThat(((CompositeHealthRecorder) all).recorders()).containsExactly(a, b, c);
        assertThat(all).hasToString("CompositeHealthRecorder[a, b, c]");
        all.probeSent(SUBJECT, 2);
        all.stateChanged(SUBJECT, HealthState.ACTIVE, HealthState.PROBING);
        assertThat(log).containsExactly("a sent 2", "b sent 2", "c sent 2",
                "a ACTIVE->PROBING", "b ACTIVE->PROBING", "c ACTIVE->PROBING");
        assertThatThrownBy(() -> CompositeHealthRecorder.of(a, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("recorder");
    }

    @Test
    void aThrowingRecorderDoesNotKeepTheOthersFromRecordingAndNothingEscapes() {
        List<String> log = new ArrayList<>();
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        HealthRecorder all = CompositeHealthRecorder.of(new Throwing(first), new Logging("a", log),
                new Throwing(second), new Logging("b", log));
        assertThatCode(() -> all.probeSent(SUBJECT, 1)).doesNotThrowAnyException();
        assertThat(log).containsExactly("a sent 1", "b sent 1");

        AssertionError error = new AssertionError("an error");
        HealthRecorder withError = CompositeHealthRecorder.of(new HealthRecorder() {
            @Override
            public void kernelSample(HealthSubject subject, KernelSample sample) {
                throw error;
            }
        }, new Logging("c", log));
        assertThatCode(() -> withError.kernelSample(SUBJECT, new KernelSample(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
                .doesNotThrowAnyException();
    }

    @Test
    void aBrokenRecorderLogsOneWarningForTheProcessNotOnePerChannel() {
        Logger jul = Logger.getLogger(GuardedHealthRecorder.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = jul.getLevel();
        jul.setLevel(Level.ALL);
        jul.addHandler(capture);
        try {
            HealthRecorder broken = new Throwing(new IllegalStateException("broken"));
            for (int channel = 0; channel < 1000; channel++) {
                HealthRecorder guarded = GuardedHealthRecorder.of(broken); // what each channel's handler does
                guarded.probeSent(SUBJECT, 1);
                guarded.stateChanged(SUBJECT, HealthState.ACTIVE, HealthState.PROBING);
            }
            assertThat(records.stream().filter(r -> r.getLevel() == Level.WARNING).count()).isEqualTo(1);
            assertThat(records.stream().filter(r -> r.getLevel().intValue() < Level.INFO.intValue()).count())
                    .isEqualTo(1999);
            assertThat(GuardedHealthRecorder.of(HealthRecorder.NOOP)).isSameAs(HealthRecorder.NOOP);
            HealthRecorder once = GuardedHealthRecorder.of(broken);
            assertThat(GuardedHealthRecorder.of(once)).isSameAs(once);
        } finally {
            jul.removeHandler(capture);
            jul.setLevel(before);
        }
    }

    @Test
    void theJavadocExampleCompiles() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // As in CompositeHealthRecorder's Javadoc:
        MicrometerHealthRecorder metrics = new MicrometerHealthRecorder();
        metrics.bindTo(registry);
        HealthRecorder recorder = CompositeHealthRecorder.of(metrics, JfrHealthRecorder.INSTANCE);
        assertThat(((CompositeHealthRecorder) recorder).recorders()).containsExactly(metrics,
                JfrHealthRecorder.INSTANCE);
    }

    @Test
    void behindAThrowingRecorderMetricsStayExactAndTheConnectionsAreUnaffected() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerHealthRecorder metrics = new MicrometerHealthRecorder();
        metrics.bindTo(registry);
        HealthRecorder recorder = CompositeHealthRecorder.of(new Throwing(new IllegalStateException("broken")),
                metrics, JfrHealthRecorder.INSTANCE);
        try (HealthScenario scenario = new HealthScenario(recorder)) {
            scenario.runAll();
            assertThat(scenario.probesSentSeen()).isEqualTo(HealthScenario.PROBES_SENT);
            assertThat(scenario.peerAliveSeen()).isEqualTo(HealthScenario.PEER_ALIVE);
            assertThat(scenario.verdictsSeen()).isEqualTo(HealthScenario.VERDICTS);
            for (HealthPeer peer : List.of(scenario.silent, scenario.userTimeout, scenario.answering,
                    scenario.halfClosed)) {
                for (Timed t : peer.events().exceptions()) {
                    assertThat(t.what()).as("only verdicts reach the pipeline").isInstanceOf(DeadPeerException.class);
                }
            }
        }
        assertThat(registry.get(VigilMeters.PROBES_SENT.getName()).counter().count())
                .isEqualTo(HealthScenario.PROBES_SENT);
        assertThat(registry.get(VigilMeters.PEER_ALIVE.getName()).counter().count())
                .isEqualTo(HealthScenario.PEER_ALIVE);
        assertThat(registry.get(VigilMeters.PROBE_RTT.getName()).timer().count())
                .isEqualTo(HealthScenario.RTTS.size());
        assertThat(registry.get(VigilMeters.VERDICTS.getName()).counters()).hasSize(2);
    }
}
