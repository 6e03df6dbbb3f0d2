/**
 * Recording what the health layer does: the {@link io.vigil.core.metrics.HealthRecorder} SPI, called per probe,
 * per verdict and per state change — never per message — and the low-cardinality
 * {@link io.vigil.core.metrics.HealthSubject} that tags it.
 *
 * <p>Recorders: {@link io.vigil.core.metrics.MicrometerHealthRecorder}, a Micrometer {@code MeterBinder} whose
 * meters are declared in {@link io.vigil.core.metrics.VigilMeters} (these two need {@code micrometer-core}, an
 * optional dependency: nothing else in core does); {@link io.vigil.core.metrics.JfrHealthRecorder}, JDK Flight
 * Recorder events; and {@link io.vigil.core.metrics.CompositeHealthRecorder} to use several at once.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.metrics;

import org.jspecify.annotations.NullMarked;
