/**
 * The kernel mirror: {@link io.vigil.core.machine.HealthStateMachine} follows Linux's {@code tcp_keepalive_timer}
 * rule for rule, in plain Java with no Netty types, so that it can be tested with a hand-driven clock.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.machine;

import org.jspecify.annotations.NullMarked;
