package io.vigil.examples.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A Prometheus scrape endpoint: serves a {@link PrometheusMeterRegistry} at {@code GET /metrics} on
 * {@code 127.0.0.1}, with the JDK's own HTTP server.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * new MicrometerHealthRecorder().bindTo(registry);   // and pass that recorder to the keepalive handlers
 * try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, 9464)) {
 *     System.out.println("metrics at " + endpoint.uri());   // http://127.0.0.1:9464/metrics
 *     ...
 * }
 * }</pre>
 *
 * <p>It answers {@code GET} and {@code HEAD} on {@value #PATH} only: the OpenMetrics format when the scraper's
 * {@code Accept} header asks for {@code application/openmetrics-text}, otherwise the Prometheus text format 0.0.4;
 * 404 for any other path, 405 for any other method. It listens on the loopback address only, never on a
 * wildcard: to expose it further, put a proxy in front.
 *
 * <p><b>Thread safety:</b> thread-safe. Requests are served one at a time on a daemon thread named
 * {@code vigil-metrics-http}; {@link #close()} stops it.
 *
 * @since 0.1
 * @see VigilPrometheus
 */
public final class PrometheusEndpoint implements AutoCloseable {

    /** The path served. */
    public static final String PATH = "/metrics";
    /** The system property that {@link #configuredPort()} reads. */
    public static final String PORT_PROPERTY = "vigil.metrics.port";
    /** The content type of the Prometheus text format. */
    public static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The content type of the OpenMetrics text format. */
    public static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PrometheusEndpoint.class);
    private static final int MAX_PORT = 65_535;

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;

    private PrometheusEndpoint(PrometheusMeterRegistry registry, HttpServer server, ExecutorService executor) {
        this.registry = registry;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving a registry on {@code 127.0.0.1}.
     *
     * @param registry the registry to scrape
     * @param port the TCP port, 0 .. 65535; 0 picks a free ephemeral port (see {@link #port()})
     * @return the running endpoint; close it to stop
     * @throws IllegalArgumentException if the port is out of range
     * @throws IOException if the port cannot be bound (for example, it is in use)
     */
    public static PrometheusEndpoint start(PrometheusMeterRegistry registry, int port) throws IOException {
        Objects.requireNonNull(registry, "registry");
        checkPort("port", port);
        InetSocketAddress address = new InetSocketAddress(
                InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}), port);
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "vigil-metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        PrometheusEndpoint endpoint = new PrometheusEndpoint(registry, server, executor);
        server.createContext("/", endpoint::handle);
        server.setExecutor(executor);
        server.start();
        return endpoint;
    }

    /**
     * Reads the port to serve on from the system property {@value #PORT_PROPERTY}, for programs that expose their
     * metrics only when asked: {@code -Dvigil.metrics.port=9464}, or {@code 0} for an ephemeral port.
     *
     * @return the port, or empty when the property is not set
     * @throws IllegalArgumentException if the property is not a port number 0 .. 65535
     */
    public static OptionalInt configuredPort() {
        String value = System.getProperty(PORT_PROPERTY);
        if (value == null || value.isBlank()) {
            return OptionalInt.empty();
        }
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_PROPERTY + " = " + value + " is not a port number: allowed 0 .. "
                    + MAX_PORT + " (0 = ephemeral)", e);
        }
        checkPort(PORT_PROPERTY, port);
        return OptionalInt.of(port);
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException(name + " = " + port + " is out of range: allowed 0 .. " + MAX_PORT
                    + " (0 = ephemeral)");
        }
    }

    /**
     * Returns the address served.
     *
     * @return {@code 127.0.0.1} and the bound port
     */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Returns the port served: the one asked for, or the ephemeral one picked for 0.
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Returns the scrape URL, for a Prometheus {@code scrape_config} or a browser.
     *
     * @return {@code http://127.0.0.1:<port>/metrics}
     */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port() + PATH);
    }

    /**
     * Returns the registry served.
     *
     * @return the registry
     */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                respond(exchange, 404, "not found: only " + PATH + " is served\n");
                return;
            }
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "method " + method + " not allowed: use GET\n");
                return;
            }
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            String contentType = accept != null && accept.contains("application/openmetrics-text")
                    ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
            ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
            try {
                registry.scrape(body, contentType);
            } catch (IOException | RuntimeException e) {
                logger.warn("Scraping the meter registry failed.", e);
                respond(exchange, 500, "scrape failed: " + e + "\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (head) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream out = exchange.getResponseBody()) {
                body.writeTo(out);
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops serving: closes the socket at once and ends the serving thread (waiting up to 5 s for it). */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                logger.warn("The metrics endpoint's thread did not stop within 5 s.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PrometheusEndpoint(" + uri() + ")";
    }
}
