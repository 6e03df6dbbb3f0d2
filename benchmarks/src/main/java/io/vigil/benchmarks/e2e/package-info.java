/**
 * End-to-end measurements over loopback, outside JMH: an echo/RPC server against a separate load-generator process
 * ({@link io.vigil.benchmarks.e2e.EchoBench}), an idle fleet of connections with probes running
 * ({@link io.vigil.benchmarks.e2e.IdleFleet}) and the accept path ({@link io.vigil.benchmarks.e2e.AcceptBench}).
 * Every loop is bounded in count and time; child processes are killed in {@code finally}; only loopback addresses
 * are used.
 */
@NullMarked
package io.vigil.benchmarks.e2e;

import org.jspecify.annotations.NullMarked;
