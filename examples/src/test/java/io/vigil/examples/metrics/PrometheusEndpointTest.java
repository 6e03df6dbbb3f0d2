package io.vigil.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vigil.core.handler.HeartbeatKeepAlive;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.MicrometerHealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.testing.HealthScenario;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scrape endpoint over real HTTP on loopback: Vigil's meters appear with the values of a scripted health
 * history (mock time) and of real NIO connections on loopback, and the endpoint speaks plain HTTP correctly.
 */
@Timeout(30)
class PrometheusEndpointTest {

    /** Long enough that the real connections never probe during the test. */
    private static final KeepAlivePolicy QUIET = KeepAlivePolicy.deadWithin(Duration.ofMinutes(10));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> send(URI uri, String method, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape(VigilPrometheus metrics) throws IOException, InterruptedException {
        HttpResponse<String> response = send(metrics.uri(), "GET", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(PrometheusEndpoint.TEXT_CONTENT_TYPE);
        return response.body();
    }

    /** One sample line of the text format. */
    private record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static List<Sample> samples(String scrape, String name, String... labels) {
        List<Sample> out = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String sampleName = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
            if (!sampleName.equals(name)) {
                continue;
            }
            Map<String, String> found = new LinkedHashMap<>();
            if (brace >= 0) {
                Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}')));
                while (m.find()) {
                    found.put(m.group(1), m.group(2));
                }
            }
            boolean matches = true;
            for (int i = 0; i < labels.length; i += 2) {
                matches &= labels[i + 1].equals(found.get(labels[i]));
            }
            if (matches) {
                out.add(new Sample(sampleName, found, Double.parseDouble(line.substring(space + 1))));
            }
        }
        return out;
    }

    private static double value(String scrape, String name, String... labels) {
        List<Sample> found = samples(scrape, name, labels);
        assertThat(found).as("%s %s in:%n%s", name, List.of(labels), scrape).hasSize(1);
        return found.get(0).value();
    }

    @Test
    void aScrapeShowsTheHealthHistoryAndTheLiveConnections() throws Exception {
        try (VigilPrometheus metrics = VigilPrometheus.start(0, Tags.of("application", "test"))) {
            assertThat(metrics.endpoint().address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(metrics.uri()).isEqualTo(URI.create("http://127.0.0.1:" + metrics.endpoint().port()
                    + "/metrics"));
            try (HealthScenario scenario = new HealthScenario(metrics.recorder())) {
                scenario.runAll();
            }
            String scrape = scrape(metrics);
            String[] script = {"application", "test", "transport", "testchannel", "side", "client",
                "protocol", "heartbeat"};
            assertThat(value(scrape, "vigil_keepalive_probes_sent_total", script))
                    .isEqualTo(HealthScenario.PROBES_SENT);
            assertThat(value(scrape, "vigil_keepalive_peer_alive_total", script))
                    .isEqualTo(HealthScenario.PEER_ALIVE);
            assertThat(value(scrape, "vigil_keepalive_probes_unanswered_total", script))
                    .isEqualTo(HealthScenario.PROBES_UNANSWERED);
            assertThat(value(scrape, "vigil_keepalive_verdicts_total", "reason", "probes_unanswered")).isEqualTo(1);
            assertThat(value(scrape, "vigil_keepalive_verdicts_total", "reason", "user_timeout")).isEqualTo(1);
            assertThat(value(scrape, "vigil_keepalive_detection_latency_seconds_sum", "reason", "user_timeout"))
                    .isEqualTo(5.0);
            assertThat(value(scrape, "vigil_keepalive_rtt_seconds_count", script)).isEqualTo(2);
            assertThat(value(scrape, "vigil_keepalive_rtt_seconds_sum", script)).isEqualTo(0.17);
            assertThat(value(scrape, "vigil_keepalive_rtt_seconds_max", script)).isEqualTo(0.12);
            // The histogram: cumulative counts per upper bound, RTT_BUCKETS and +Inf.
            List<Sample> buckets = samples(scrape, "vigil_keepalive_rtt_seconds_bucket", script);
            assertThat(buckets).hasSize(MicrometerHealthRecorder.RTT_BUCKETS.size() + 1);
            for (Sample b : buckets) {
                String bound = b.labels().get("le");
                double le = "+Inf".equals(bound) ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                assertThat(b.value()).as("samples <= %s s", le).isEqualTo(le < 0.05 ? 0 : le < 0.12 ? 1 : 2);
            }
            assertThat(samples(scrape, "vigil_keepalive_rtt_seconds_bucket", "le", "+Inf")).singleElement()
                    .satisfies(s -> assertThat(s.value()).isEqualTo(2));
            for (String state : List.of("active", "probing", "suspended")) {
                assertThat(value(scrape, "vigil_keepalive_connections", "transport", "testchannel", "state", state))
                        .isZero();
            }
            assertThat(scrape).doesNotContain("remote", "127.0.0.1");

            realConnectionsAreCounted(metrics);
        }
    }

    /** A real client and server on loopback, both with heartbeat keepalive recording to the endpoint's registry. */
    private void realConnectionsAreCounted(VigilPrometheus metrics) throws Exception {
        HealthRecorder recorder = metrics.recorder();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        CountDownLatch active = new CountDownLatch(2);
        CountDownLatch inactive = new CountDownLatch(2);
        ChannelInitializer<SocketChannel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                HeartbeatKeepAlive.install(ch.pipeline(), QUIET, recorder);
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        active.countDown();
                        ctx.fireChannelActive();
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        inactive.countDown();
                        ctx.fireChannelInactive();
                    }
                });
            }
        };
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(init).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(init)
                    .connect(server.localAddress()).sync().channel();
            assertThat(active.await(10, TimeUnit.SECONDS)).as("both ends active").isTrue();
            String scrape = scrape(metrics);
            for (String side : List.of("client", "server")) {
                assertThat(value(scrape, "vigil_keepalive_connections", "transport", "nio", "side", side,
                        "state", "active")).as(side).isEqualTo(1);
                assertThat(value(scrape, "vigil_keepalive_connections", "transport", "nio", "side", side,
                        "state", "probing")).as(side).isZero();
            }
            client.close().sync();
            assertThat(inactive.await(10, TimeUnit.SECONDS)).as("both ends closed").isTrue();
            scrape = scrape(metrics);
            for (String side : List.of("client", "server")) {
                assertThat(value(scrape, "vigil_keepalive_connections", "transport", "nio", "side", side,
                        "state", "active")).as(side).isZero();
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void itServesOnlyGetAndHeadOnMetricsAndNegotiatesOpenMetrics() throws Exception {
        try (VigilPrometheus metrics = VigilPrometheus.start(0)) {
            URI uri = metrics.uri();
            HttpResponse<String> notFound = send(uri.resolve("/other"), "GET", null);
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.body()).isEqualTo("not found: only /metrics is served\n");
            assertThat(send(uri.resolve("/metrics/x"), "GET", null).statusCode()).isEqualTo(404);

            HttpResponse<String> post = send(uri, "POST", null);
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

            HttpResponse<String> head = send(uri, "HEAD", null);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();

            HttpResponse<String> open = send(uri, "GET", "application/openmetrics-text; version=1.0.0");
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.headers().firstValue("Content-Type"))
                    .hasValue(PrometheusEndpoint.OPENMETRICS_CONTENT_TYPE);
            assertThat(open.body()).endsWith("# EOF\n");
        }
    }

    @Test
    void aBadOrBusyPortIsAClearError() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        assertThatThrownBy(() -> PrometheusEndpoint.start(registry, 65_536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port = 65536 is out of range: allowed 0 .. 65535 (0 = ephemeral)");
        assertThatThrownBy(() -> PrometheusEndpoint.start(registry, -1))
                .hasMessage("port = -1 is out of range: allowed 0 .. 65535 (0 = ephemeral)");
        try (PrometheusEndpoint first = PrometheusEndpoint.start(registry, 0)) {
            assertThatThrownBy(() -> PrometheusEndpoint.start(registry, first.port()))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot serve metrics on localhost/127.0.0.1:" + first.port() + ": ");
        }
        registry.close();
    }

    @Test
    void thePortCanComeFromASystemProperty() {
        String saved = System.getProperty(PrometheusEndpoint.PORT_PROPERTY);
        try {
            System.clearProperty(PrometheusEndpoint.PORT_PROPERTY);
            assertThat(PrometheusEndpoint.configuredPort()).isEmpty();
            System.setProperty(PrometheusEndpoint.PORT_PROPERTY, "9464");
            assertThat(PrometheusEndpoint.configuredPort()).hasValue(9464);
            System.setProperty(PrometheusEndpoint.PORT_PROPERTY, "0");
            assertThat(PrometheusEndpoint.configuredPort()).hasValue(0);
            System.setProperty(PrometheusEndpoint.PORT_PROPERTY, "nine");
            assertThatThrownBy(PrometheusEndpoint::configuredPort).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("vigil.metrics.port = nine is not a port number: allowed 0 .. 65535 (0 = ephemeral)");
            System.setProperty(PrometheusEndpoint.PORT_PROPERTY, "70000");
            assertThatThrownBy(PrometheusEndpoint::configuredPort)
                    .hasMessage("vigil.metrics.port = 70000 is out of range: allowed 0 .. 65535 (0 = ephemeral)");
        } finally {
            if (saved == null) {
                System.clearProperty(PrometheusEndpoint.PORT_PROPERTY);
            } else {
                System.setProperty(PrometheusEndpoint.PORT_PROPERTY, saved);
            }
        }
    }
}
