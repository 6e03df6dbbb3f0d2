/**
 * The kernel-option SPI: how the kernel's view of a socket ({@code TCP_INFO}, its error on death) reaches the
 * health layer. Native transports plug in through {@link java.util.ServiceLoader}.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.socket;

import org.jspecify.annotations.NullMarked;
