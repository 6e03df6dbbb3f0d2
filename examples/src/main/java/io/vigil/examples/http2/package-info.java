/**
 * An HTTP/2 server with Vigil's keepalive: h2c with prior knowledge, one call to
 * {@link io.vigil.core.http2.Http2KeepAlive#install}, streams served by a multiplex handler. It answers a gRPC unary
 * call by echoing its message, so gRPC clients can talk to it without code generation, and any other request with a
 * short text.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.examples.http2;

import org.jspecify.annotations.NullMarked;
