package io.vigil.examples.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vigil.core.metrics.CompositeHealthRecorder;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.metrics.JfrHealthRecorder;
import io.vigil.core.metrics.MicrometerHealthRecorder;
import java.io.IOException;
import java.net.URI;

/**
 * Vigil's metrics on a Prometheus scrape endpoint, in one object: a {@link PrometheusMeterRegistry}, a
 * {@link MicrometerHealthRecorder} bound to it, and a {@link PrometheusEndpoint} serving it on {@code 127.0.0.1}.
 *
 * <pre>{@code
 * try (VigilPrometheus metrics = VigilPrometheus.start(9464)) {          // 0 = an ephemeral port
 *     System.out.println("metrics at " + metrics.uri());
 *     ... HeartbeatKeepAlive.install(ch.pipeline(), policy, metrics.recorder()) ...
 * }
 * }</pre>
 *
 * <p><b>Thread safety:</b> thread-safe; {@link #recorder()} serves every channel on every event loop.
 *
 * @since 0.1
 */
public final class VigilPrometheus implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final MicrometerHealthRecorder metrics;
    private final HealthRecorder recorder;
    private final PrometheusEndpoint endpoint;

    private VigilPrometheus(PrometheusMeterRegistry registry, MicrometerHealthRecorder metrics,
                            PrometheusEndpoint endpoint) {
        this.registry = registry;
        this.metrics = metrics;
        this.recorder = CompositeHealthRecorder.of(metrics, JfrHealthRecorder.INSTANCE);
        this.endpoint = endpoint;
    }

    /**
     * Creates the registry and the recorder and starts serving on {@code 127.0.0.1}.
     *
     * @param port the TCP port, 0 .. 65535; 0 picks a free ephemeral port
     * @return the running whole; close it to stop serving
     * @throws IllegalArgumentException if the port is out of range
     * @throws IOException if the port cannot be bound
     */
    public static VigilPrometheus start(int port) throws IOException {
        return start(port, Tags.empty());
    }

    /**
     * Creates the registry and the recorder, with common tags on every Vigil meter, and starts serving on
     * {@code 127.0.0.1}.
     *
     * @param port the TCP port, 0 .. 65535; 0 picks a free ephemeral port
     * @param tags common tags, e.g. {@code Tags.of("application", "demo")}
     * @return the running whole; close it to stop serving
     * @throws IllegalArgumentException if the port is out of range or a tag takes a key of Vigil's meters
     * @throws IOException if the port cannot be bound
     */
    public static VigilPrometheus start(int port, Iterable<Tag> tags) throws IOException {
        MicrometerHealthRecorder metrics = new MicrometerHealthRecorder(tags);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.bindTo(registry);
        return new VigilPrometheus(registry, metrics, PrometheusEndpoint.start(registry, port));
    }

    /**
     * Returns the recorder to hand to the keepalive handlers: Micrometer meters and flight-recorder events.
     *
     * @return the recorder
     */
    public HealthRecorder recorder() {
        return recorder;
    }

    /**
     * Returns the Micrometer recorder alone, e.g. to read connection counts.
     *
     * @return the binder bound to {@link #registry()}
     */
    public MicrometerHealthRecorder metrics() {
        return metrics;
    }

    /**
     * Returns the registry, to bind more meters to it (JVM, Netty allocator, ...).
     *
     * @return the registry
     */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Returns the endpoint.
     *
     * @return the endpoint
     */
    public PrometheusEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Returns the scrape URL.
     *
     * @return {@code http://127.0.0.1:<port>/metrics}
     */
    public URI uri() {
        return endpoint.uri();
    }

    /** Stops serving and closes the registry. */
    @Override
    public void close() {
        endpoint.close();
        registry.close();
    }
}
