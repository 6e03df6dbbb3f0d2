/**
 * Keepalive for HTTP/2 connections (and so gRPC): {@code PING} probes with an 8-byte id, a one-call install for
 * {@code Http2FrameCodec} pipelines ({@link io.vigil.core.http2.Http2KeepAlive}), listener-style codecs fed through
 * {@link io.vigil.core.handler.HealthFeed}, and the connection's health seen from its streams. Needs
 * {@code netty-codec-http2}, an optional dependency of vigil-core.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.http2;

import org.jspecify.annotations.NullMarked;
