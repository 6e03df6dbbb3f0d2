package io.vigil.examples.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.event.DeathReason;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PeerDead;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.testing.TailLog;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real third-party HTTP/2 clients against Vigil's HTTP/2 server ({@link Http2EchoServer}): a grpc-java client
 * (grpc-netty-shaded, keepalive on) and an OkHttp client over h2c with prior knowledge, each in its own JVM. Vigil's
 * {@code PING}s are answered with a round-trip time; then the client's JVM is frozen with {@code SIGSTOP} (its kernel
 * keeps ACKing, so only application probes can tell) and the server reaps the connection within the policy's budget.
 * Every wait is bounded; the child is killed in a {@code finally}.
 */
@Timeout(60)
class ThirdPartyClientsTest {

    /** Dead within 3 s: idle 1.5 s, then 3 probes 0.5 s apart. */
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.deadWithin(Duration.ofSeconds(3));
    private static final long BUDGET_MS = POLICY.silentPeerVerdict().toMillis();
    /** The verdict lands at most three 10 ms timer ticks late; the rest is for a loaded CI machine. */
    private static final long TOLERANCE_MS = 300;

    @Test
    void aGrpcJavaClientAnswersVigilsPingsAndIsReapedWhenFrozen() throws Exception {
        answersThenReapedWhenFrozen(GrpcClientMain.class, "READY hello");
    }

    @Test
    void anOkHttpClientOverH2cAnswersVigilsPingsAndIsReapedWhenFrozen() throws Exception {
        answersThenReapedWhenFrozen(OkHttpClientMain.class, "READY h2_prior_knowledge vigil");
    }

    private void answersThenReapedWhenFrozen(Class<?> client, String ready) throws Exception {
        HealthLog health = new HealthLog();
        try (TailLog tail = TailLog.capture();
             Http2EchoServer server = Http2EchoServer.start(0, POLICY, health::record);
             PeerJvm peer = PeerJvm.start(client, "127.0.0.1", Integer.toString(server.port()))) {
            assertThat(peer.awaitLine("READY", 30)).isEqualTo(ready);

            PeerAlive alive = health.awaitRtt(BUDGET_MS + 5_000);
            Duration rtt = alive.rtt().orElseThrow();
            assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(1));

            peer.freeze();
            long frozenAt = System.nanoTime();
            HealthLog.Seen verdict = health.awaitDead(BUDGET_MS + 5_000);
            PeerDead dead = (PeerDead) verdict.event();
            long reapMs = (verdict.nanos() - frozenAt) / 1_000_000;
            long silentMs = dead.evidence().sinceLastInbound().toMillis();
            System.out.printf("%s: PING RTT %.3f ms; frozen with SIGSTOP, reaped after %d ms (silent %d ms; budget %d ms"
                    + " + %d ms tolerance)%n", client.getSimpleName(), rtt.toNanos() / 1e6, reapMs, silentMs, BUDGET_MS,
                    TOLERANCE_MS);
            assertThat(dead.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
            assertThat(reapMs).isLessThanOrEqualTo(BUDGET_MS + TOLERANCE_MS);
            assertThat(silentMs).isBetween(BUDGET_MS, BUDGET_MS + TOLERANCE_MS);
            assertThat(tail.warnings()).as("the application handles PeerDead: nothing for the tail").isEmpty();
        }
    }
}
