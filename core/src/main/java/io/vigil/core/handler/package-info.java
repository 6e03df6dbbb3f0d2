/**
 * The Netty glue: {@link io.vigil.core.handler.KeepAliveHandler} and the pipeline names and order
 * ({@link io.vigil.core.VigilPipeline}).
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.handler;

import io.vigil.core.VigilPipeline;
import org.jspecify.annotations.NullMarked;
