/**
 * Vigil's kernel options on grpc-java servers on epoll, through the builders' supported API: grpc-netty-shaded (options only) and grpc-netty (options with their read-back report).
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.examples.grpc;

import org.jspecify.annotations.NullMarked;
