/**
 * Measurements shared by the CI tests ({@code FootprintTest}, {@code ZeroAllocationTest}) and the report: bytes per
 * channel (JOL) and bytes allocated per hot-path operation (per-thread allocation counters).
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.benchmarks.footprint;

import org.jspecify.annotations.NullMarked;
