/**
 * The keepalive policy: one immutable value that drives both the kernel layer and the userspace mirror.
 *
 * <p>{@link io.vigil.core.policy.KeepAlivePolicy} is built with a builder or planned from one budget with
 * {@link io.vigil.core.policy.KeepAlivePolicy#deadWithin(java.time.Duration)}. Every value is validated before
 * any socket is touched. {@link io.vigil.core.policy.KernelSchedule} says when the kernel really probes and gives up
 * for a set of kernel options (its timer expiries are late), at the tick rate {@link io.vigil.core.policy.KernelHz}
 * detects.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.policy;

import org.jspecify.annotations.NullMarked;
