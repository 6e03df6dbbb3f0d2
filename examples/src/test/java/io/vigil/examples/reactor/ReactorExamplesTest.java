package io.vigil.examples.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.vigil.core.event.PeerDead;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.policy.KeepAlivePolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Reactor Netty examples, started, talked to with real clients, and stopped: the kernel options given as child
 * options are read back from each accepted socket on the transport Reactor Netty really uses (epoll here, not
 * io_uring: vigil-epoll no longer brings io_uring), and heartbeat keepalive installed before
 * {@code reactiveBridge} probes the client and hears its answers.
 */
@Timeout(60)
class ReactorExamplesTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(1))
            .interval(Duration.ofSeconds(1)).probes(2).build();
    /**
     * The client's: a longer idle, so that the server probes first. (With probe jitter two peers of one policy do not
     * probe at the same instant: the one whose first probe comes earlier keeps the other from ever going idle.)
     */
    private static final KeepAlivePolicy CLIENT_POLICY = POLICY.toBuilder().idle(Duration.ofSeconds(3)).build();

    /** Collects what the examples report. */
    private static final class Collected implements HealthRecorder {
        final CompletableFuture<KernelOptionsReport> report = new CompletableFuture<>();
        final CompletableFuture<Long> answered = new CompletableFuture<>();
        final List<PeerDead> dead = new CopyOnWriteArrayList<>();

        @Override
        public void kernelOptions(HealthSubject subject, KernelOptionsReport r) {
            report.complete(r);
        }

        @Override
        public void peerAlive(HealthSubject subject, int probes, long rttNanos) {
            if (rttNanos >= 0 && subject.side().equals(HealthSubject.SERVER)) {
                answered.complete(rttNanos);
            }
        }

        @Override
        public void peerDead(HealthSubject subject, PeerDead verdict) {
            dead.add(verdict);
        }
    }

    private static void assertReadBack(KernelOptionsReport report) {
        assertThat(report.transport()).isEqualTo(Epoll.isAvailable() ? "epoll" : "nio");
        if (Epoll.isAvailable()) {
            assertThat(report.allApplied()).as(report.toString()).isTrue();
        }
    }

    @Test
    void tcpServerEchoesAndItsHeartbeatBeforeReactiveBridgeIsAnswered() throws Exception {
        Collected collected = new Collected();
        try (ReactorTcpExample server = ReactorTcpExample.start(POLICY, collected);
             HeartbeatEchoClient client = HeartbeatEchoClient.connect(server.port(), CLIENT_POLICY)) {
            assertThat(client.echo("ping through reactor")).isEqualTo("ping through reactor");
            assertReadBack(collected.report.get(10, TimeUnit.SECONDS));
            long rtt = collected.answered.get(10, TimeUnit.SECONDS);
            System.out.printf("Reactor TcpServer: heartbeat probe answered, rtt %d us%n", rtt / 1_000);
            assertThat(collected.dead).isEmpty();
        }
    }

    @Test
    void h2cHttpServerAnswersOverHttp2AndReportsItsKernelOptions() throws Exception {
        Collected collected = new Collected();
        try (ReactorHttpExample server = ReactorHttpExample.start(POLICY, collected)) {
            assertThat(server.get()).isEqualTo("vigil over HTTP/2.0");
            assertReadBack(collected.report.get(10, TimeUnit.SECONDS));
            // The client's pooled connection stays open: after 1 s idle the server's PING is answered by its codec.
            long rtt = collected.answered.get(10, TimeUnit.SECONDS);
            System.out.printf("Reactor HttpServer (h2c): HTTP/2 PING answered, rtt %d us%n", rtt / 1_000);
            assertThat(collected.dead).isEmpty();
        }
    }
}
