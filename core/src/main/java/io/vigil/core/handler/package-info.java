/**
 * The Netty glue: {@link io.vigil.core.handler.KeepAliveHandler} and the pipeline names and order
 * ({@link io.vigil.core.handler.VigilPipeline}).
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.handler;

import org.jspecify.annotations.NullMarked;
