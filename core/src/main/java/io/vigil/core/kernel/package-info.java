/**
 * The kernel's keepalive vocabulary, shared by the packages above it: the options ({@link KernelOption}), what
 * became of setting them ({@link OptionOutcome}, {@link KernelOptionsReport}) and one {@code TCP_INFO} sample
 * ({@link KernelSample}). A leaf: it imports nothing else of Vigil, so the event, metrics and socket packages can
 * all use it without importing each other.
 *
 * <p><b>Thread safety:</b> every type here is immutable.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.kernel;

import org.jspecify.annotations.NullMarked;
