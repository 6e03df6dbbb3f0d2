/**
 * The JMH suite: Vigil's timer wheel, read path and write path measured against Netty's {@code IdleStateHandler}
 * and the event-loop scheduler it uses, in the same run. Run {@code benchmarks/run.sh} for the record.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.benchmarks;

import org.jspecify.annotations.NullMarked;
