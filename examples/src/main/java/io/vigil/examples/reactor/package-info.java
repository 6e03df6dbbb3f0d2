/**
 * Vigil in Reactor Netty servers: the kernel options as child options with their read-back report, and heartbeat keepalive installed before Reactor Netty's own tail handler.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.examples.reactor;

import org.jspecify.annotations.NullMarked;
