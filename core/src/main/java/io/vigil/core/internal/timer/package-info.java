/**
 * Internal use only: the per-event-loop timer behind {@link io.vigil.core.internal.timer.HealthTimer}.
 *
 * <p>Types here are public so that Vigil's own packages can use them; they are not API and may change in any
 * release.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.internal.timer;

import org.jspecify.annotations.NullMarked;
