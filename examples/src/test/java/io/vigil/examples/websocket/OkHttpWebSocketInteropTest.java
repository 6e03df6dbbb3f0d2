package io.vigil.examples.websocket;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.HealthEvent;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PeerDead;
import io.vigil.core.policy.KeepAlivePolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop with a real third-party WebSocket peer, OkHttp, against Vigil's WebSocket server
 * ({@link WebSocketEchoServer}): OkHttp answers Vigil's pings (round-trip time reported) and echoes flow; then an
 * OkHttp client in its own JVM is stopped with {@code SIGSTOP} (its kernel keeps the socket open and ACKs, only the
 * application is gone) and Vigil reaps it within the policy's budget plus {@value #TOLERANCE_MS} ms. Every wait is
 * bounded; the child is killed in a {@code finally}.
 */
@Timeout(60)
class OkHttpWebSocketInteropTest {

    /** Idle 1 s, then 2 probes 1 s apart: a peer silent since t is dead at t + 3 s. */
    private static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(1))
            .interval(Duration.ofSeconds(1)).probes(2).build();
    private static final long BUDGET_MS = 3_000;
    /** Three timer ticks (30 ms), the event loop's own lateness and a loaded CI machine. */
    private static final long TOLERANCE_MS = 500;

    private record Seen(Channel channel, HealthEvent event, long nanos) {
    }

    @Test
    void okHttpAnswersVigilsPingsWithARoundTripTime() throws Exception {
        BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        OkHttpClient okhttp = new OkHttpClient.Builder().build();
        try (WebSocketEchoServer server = WebSocketEchoServer.start(POLICY, 0,
                (ch, e) -> seen.add(new Seen(ch, e, System.nanoTime())))) {
            CompletableFuture<String> echo = new CompletableFuture<>();
            WebSocket ws = okhttp.newWebSocket(new Request.Builder().url(server.uri().toString()).build(),
                    new WebSocketListener() {
                        @Override
                        public void onOpen(WebSocket webSocket, Response response) {
                            webSocket.send("hello");
                        }

                        @Override
                        public void onMessage(WebSocket webSocket, String text) {
                            echo.complete(text);
                        }

                        @Override
                        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                            echo.completeExceptionally(t);
                        }
                    });
            try {
                assertThat(echo.get(10, SECONDS)).isEqualTo("hello");
                PeerAlive alive = awaitEvent(seen, PeerAlive.class, 10_000);
                assertThat(alive.rttNanos()).as("round trip of Vigil's ping to OkHttp").isBetween(0L,
                        SECONDS.toNanos(1));
                System.out.printf("OkHttp answered Vigil's ping: rtt %d us%n", alive.rttNanos() / 1_000);
                assertThat(seen.stream().map(Seen::event)).noneMatch(PeerDead.class::isInstance);
            } finally {
                ws.close(1000, "done");
            }
        } finally {
            okhttp.dispatcher().executorService().shutdown();
            okhttp.connectionPool().evictAll();
        }
    }

    @Test
    void anOkHttpClientStoppedWithSigstopIsReapedWithinTheBudget() throws Exception {
        BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        try (WebSocketEchoServer server = WebSocketEchoServer.start(POLICY, 0,
                (ch, e) -> seen.add(new Seen(ch, e, System.nanoTime())))) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Xmx64m", "-cp", System.getProperty("java.class.path"), OkHttpPeer.class.getName(),
                    server.uri().toString())).redirectErrorStream(true).start();
            try {
                CompletableFuture<String> open = new CompletableFuture<>();
                Thread reader = new Thread(() -> readLines(child, open), "okhttp-peer-output");
                reader.setDaemon(true);
                reader.start();
                assertThat(open.get(20, SECONDS)).startsWith("OPEN");
                PeerAlive alive = awaitEvent(seen, PeerAlive.class, 10_000);
                assertThat(alive.rttNanos()).as("the child answers pings before it is stopped").isNotNegative();

                long stopped = System.nanoTime();
                run("kill", "-STOP", Long.toString(child.pid()));
                Seen verdict = await(seen, PeerDead.class, BUDGET_MS + 5_000);
                PeerDead dead = (PeerDead) verdict.event();
                long reapedMs = TimeUnit.NANOSECONDS.toMillis(verdict.nanos() - stopped);

                System.out.printf("OkHttp JVM stopped with SIGSTOP: reaped after %d ms (budget %d ms + %d ms), %s%n",
                        reapedMs, BUDGET_MS, TOLERANCE_MS, dead);
                assertThat(dead.reason()).isEqualTo(DeathReason.PROBES_UNANSWERED);
                assertThat(dead.evidence().sinceLastInboundNanos()).as("silent for the whole budget")
                        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(BUDGET_MS));
                assertThat(reapedMs).isLessThanOrEqualTo(BUDGET_MS + TOLERANCE_MS);
            } finally {
                child.destroyForcibly();
                child.waitFor(10, SECONDS);
            }
        }
    }

    /** Takes events off the queue until one of the type arrives (a {@code PeerAlive} with an RTT), in the bound. */
    private static <T extends HealthEvent> T awaitEvent(BlockingQueue<Seen> seen, Class<T> type, long boundMs)
            throws InterruptedException {
        return type.cast(await(seen, type, boundMs).event());
    }

    private static Seen await(BlockingQueue<Seen> seen, Class<? extends HealthEvent> type, long boundMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMs);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            Seen s = seen.poll(left, TimeUnit.NANOSECONDS);
            if (s != null && type.isInstance(s.event())
                    && !(s.event() instanceof PeerAlive && ((PeerAlive) s.event()).rttNanos() < 0)) {
                return s;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within " + boundMs + " ms");
    }

    private static void readLines(Process child, CompletableFuture<String> open) {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("OPEN") || line.startsWith("FAILED")) {
                    open.complete(line);
                }
            }
        } catch (IOException e) {
            open.completeExceptionally(e);
        }
        open.completeExceptionally(new IOException("the OkHttp peer exited before opening"));
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor(10, SECONDS)).as(String.join(" ", cmd)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
    }
}
