/**
 * Turns JMH's JSON results into BENCHMARKS.md and its chart.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.benchmarks.report;

import org.jspecify.annotations.NullMarked;
