/**
 * Recording what the health layer does: the {@link io.vigil.core.metrics.HealthRecorder} SPI, called per probe,
 * per verdict and per state change — never per message — and the low-cardinality
 * {@link io.vigil.core.metrics.HealthSubject} that tags it.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.metrics;

import org.jspecify.annotations.NullMarked;
