/**
 * Kernel keepalive on Netty's native Linux transports, epoll and io_uring: the kernel-option access that
 * {@link io.vigil.core.socket.SocketKeepAlive} uses to set and read back {@code SO_KEEPALIVE},
 * {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT} and {@code TCP_USER_TIMEOUT}, {@code TCP_INFO}
 * sampled as evidence, and the kernel's own verdicts ({@code ETIMEDOUT}, {@code EHOSTUNREACH},
 * {@code ENETUNREACH}) recognised for {@link io.vigil.core.handler.KeepAliveHandler}. Everything here plugs into
 * {@code vigil-core} through {@link NativeKernelProvider}, found by {@link java.util.ServiceLoader}; having this
 * jar on the class path is all it takes.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.epoll;

import org.jspecify.annotations.NullMarked;
