/**
 * Publishing Vigil's metrics: {@link io.vigil.examples.metrics.PrometheusEndpoint}, a scrape endpoint on the
 * loopback address, and {@link io.vigil.examples.metrics.VigilPrometheus}, which wires a Prometheus registry, Vigil's
 * recorders and the endpoint together for the demo and the example servers; and
 * {@link io.vigil.examples.metrics.PrintingRecorder}, which prints what Vigil reports for the examples' {@code main}s.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.examples.metrics;

import org.jspecify.annotations.NullMarked;
