package io.vigil.examples.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.netty.channel.epoll.Epoll;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.HealthSubject;
import io.vigil.core.policy.KeepAlivePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gRPC examples on epoll, started, called with grpc-java's own client, and stopped. grpc-netty: the options
 * given with {@code withChildOption} are read back from the accepted socket and reported all applied.
 * grpc-netty-shaded, where nothing of Vigil can read them back in-process: the kernel's own view, the accepted
 * socket's keepalive timer in {@code /proc/net/tcp}, shows {@code SO_KEEPALIVE} on and {@code TCP_KEEPIDLE} at the
 * policy's idle instead of the kernel's 2 h default.
 */
@Timeout(60)
class GrpcExamplesTest {

    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(7))
            .interval(Duration.ofSeconds(3)).probes(4).build();

    @BeforeAll
    static void epollIsHere() {
        if (!Epoll.isAvailable()) {
            String why = "epoll is not available here: " + Epoll.unavailabilityCause();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true, so the gRPC examples must run, but " + why);
            }
            Assumptions.abort("Skipped: " + why);
        }
    }

    @Test
    void grpcNettyServerAnswersAndReportsEveryChildOptionApplied() throws Exception {
        CompletableFuture<KernelOptionsReport> report = new CompletableFuture<>();
        HealthRecorder recorder = new HealthRecorder() {
            @Override
            public void kernelOptions(HealthSubject subject, KernelOptionsReport r) {
                report.complete(r);
            }
        };
        try (GrpcNettyEpollServer server = GrpcNettyEpollServer.start(POLICY, recorder)) {
            ManagedChannel channel = server.newChannel();
            try {
                assertThat(EchoService.say(channel, "hi")).isEqualTo("echo: hi");
                KernelOptionsReport r = report.get(10, TimeUnit.SECONDS);
                assertThat(r.transport()).isEqualTo("epoll");
                assertThat(r.allApplied()).as(r.toString()).isTrue();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void grpcNettyShadedServerAnswersAndItsSocketsCarryThePolicysIdle() throws Exception {
        try (GrpcShadedEpollServer server = GrpcShadedEpollServer.start(POLICY)) {
            ManagedChannel channel = server.newChannel();
            try {
                assertThat(EchoService.say(channel, "hi")).isEqualTo("echo: hi");
                long when = keepAliveTimerCentis(server.port());
                assertThat(when).as("keepalive timer of the accepted socket, 1/100 s")
                        .isBetween(0L, POLICY.idle().toMillis() / 10);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Returns the time left on the keepalive timer of the established socket whose local port is {@code port}, as
     * {@code /proc/net/tcp} or {@code tcp6} (Netty's epoll sockets are dual-stack) shows it ({@code tr} 2 is the
     * keepalive timer, {@code tm->when} in 1/100 s). While bytes are in flight the socket shows its retransmission
     * timer instead, so this looks again, for 5 s at most.
     */
    private static long keepAliveTimerCentis(int port) throws IOException, InterruptedException {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String last = "no established socket on local port " + port + " in /proc/net/tcp or tcp6";
        do {
            List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
            lines.addAll(Files.readAllLines(Path.of("/proc/net/tcp6")));
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 5 && f[1].endsWith(local) && f[3].equals("01")) {
                    String[] timer = f[5].split(":");
                    if (timer[0].equals("02")) {
                        return Long.parseLong(timer[1], 16);
                    }
                    last = "no keepalive timer (tr 02) on: " + line;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(last);
    }
}
