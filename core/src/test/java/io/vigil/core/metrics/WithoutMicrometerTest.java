package io.vigil.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.event.DeadPeerException;
import io.vigil.core.event.PeerDead;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.machine.HealthState;
import io.vigil.core.testing.HealthScenario;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Proves that {@code micrometer-core} is optional: core's classes load and a keepalive pipeline probes, records and
 * reaches its verdicts with no Micrometer class on the class path.
 *
 * <p>Run only by the surefire execution {@code without-micrometer} of core's pom, whose class path leaves out
 * {@code micrometer-core} and everything it brings; the default execution excludes it. Selecting it with
 * {@code -Dtest} would run it in the default execution too, where Micrometer is present and it fails.
 */
class WithoutMicrometerTest {

    /** The classes that need Micrometer (named as strings: a class literal would load them). */
    private static final List<String> MICROMETER_BOUND = List.of(
            "io.vigil.core.metrics.MicrometerHealthRecorder", "io.vigil.core.metrics.VigilMeters");

    @Test
    void micrometerIsReallyAbsentFromTheClassPath() {
        for (String name : List.of("io.micrometer.core.instrument.MeterRegistry",
                "io.micrometer.common.docs.KeyName", "io.micrometer.observation.Observation",
                "org.HdrHistogram.Histogram")) {
            assertThatThrownBy(() -> Class.forName(name)).as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void everyCoreClassLoadsAndInitializesExceptTheMicrometerRecorder()
            throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(KeepAliveHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(classes).as("core's compiled classes").isDirectory();
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                String relative = classes.relativize(f).toString();
                names.add(relative.substring(0, relative.length() - ".class".length()).replace(f.getFileSystem()
                        .getSeparator(), "."));
            });
        }
        assertThat(names).contains(KeepAliveHandler.class.getName(), JfrHealthRecorder.class.getName());
        ClassLoader loader = KeepAliveHandler.class.getClassLoader();
        int loaded = 0;
        for (String name : names) {
            if (MICROMETER_BOUND.stream().anyMatch(name::startsWith) || name.endsWith("package-info")) {
                continue;
            }
            assertThat(Class.forName(name, true, loader).getName()).isEqualTo(name);
            loaded++;
        }
        assertThat(loaded).isGreaterThan(40);
        for (String name : MICROMETER_BOUND) {
            assertThatThrownBy(() -> Class.forName(name, true, loader)).as(name)
                    .isInstanceOf(NoClassDefFoundError.class);
        }
    }

    @Test
    void keepAliveProbesRecordsAndDeclaresPeersDead() {
        List<String> calls = new ArrayList<>();
        HealthRecorder counting = new HealthRecorder() {
            @Override
            public void probeSent(HealthSubject subject, int probe) {
                calls.add("sent");
            }

            @Override
            public void peerAlive(HealthSubject subject, int probes, long rttNanos) {
                calls.add("acked");
            }

            @Override
            public void peerDead(HealthSubject subject, PeerDead verdict) {
                calls.add("dead " + verdict.reason());
            }

            @Override
            public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
                calls.add(to.name());
            }
        };
        try (HealthScenario scenario = new HealthScenario(CompositeHealthRecorder.of(counting,
                JfrHealthRecorder.INSTANCE))) {
            scenario.runAll();
            assertThat(scenario.verdictsSeen()).isEqualTo(HealthScenario.VERDICTS);
            assertThat(scenario.silent.events().exceptions()).singleElement()
                    .satisfies(t -> assertThat(t.what()).isInstanceOf(DeadPeerException.class));
            assertThat(scenario.silent.channel().isOpen()).isFalse();
        }
        assertThat(calls.stream().filter("sent"::equals).count()).isEqualTo(HealthScenario.PROBES_SENT);
        assertThat(calls.stream().filter("acked"::equals).count()).isEqualTo(HealthScenario.PEER_ALIVE);
        assertThat(calls).contains("dead PROBES_UNANSWERED", "dead USER_TIMEOUT", "SUSPENDED");
        assertThat(calls.stream().filter("ACTIVE"::equals).count()).as("4 opened, 3 acks").isEqualTo(7);
        assertThat(calls.stream().filter("CLOSED"::equals).count()).isEqualTo(4);
    }
}
