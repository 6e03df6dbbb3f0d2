/**
 * What Vigil tells the pipeline: typed, immutable user events ({@link io.vigil.core.event.HealthEvent}) and the
 * stackless {@link io.vigil.core.event.DeadPeerException} that goes with a verdict.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.event;

import org.jspecify.annotations.NullMarked;
