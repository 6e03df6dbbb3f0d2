/**
 * The kernel mirror: {@link io.vigil.core.machine.HealthStateMachine} follows Linux's {@code tcp_keepalive_timer}
 * rule for rule, in plain Java with no Netty types, so that it can be tested with a hand-driven clock. This page is
 * the contract; "row N" in the code and the tests points at a row of the table below.
 *
 * <h2>Variables and states</h2>
 *
 * <p>{@code idle}, {@code interval}, {@code probes} and {@code userTimeout} (uto) come from the
 * {@link io.vigil.core.policy.KeepAlivePolicy}. The machine keeps {@code lastRx} (the time of the last inbound
 * message of any kind; set at activation), {@code probesOut}, and the time pending writes last made progress.
 * States: {@link io.vigil.core.machine.HealthState#ACTIVE ACTIVE} (armed, no probe outstanding),
 * {@link io.vigil.core.machine.HealthState#PROBING PROBING} (at least one probe outstanding),
 * {@link io.vigil.core.machine.HealthState#SUSPENDED SUSPENDED} (half-closed: application probes cannot make the round
 * trip; kernel keepalive still runs), {@link io.vigil.core.machine.HealthState#DEAD DEAD} and
 * {@link io.vigil.core.machine.HealthState#CLOSED CLOSED}.
 *
 * <h2>The transition table</h2>
 *
 * <p>Ticks evaluate rows 6 to 11 in this order; the first that applies decides.
 *
 * <table>
 *   <caption>Events, conditions, actions and next states</caption>
 *   <tr><th>#</th><th>Event / condition</th><th>Action</th><th>Next</th></tr>
 *   <tr><td>1</td><td>channel active, or handler added to an active channel</td>
 *       <td>{@code lastRx = now}; arm at {@code now + idle}</td><td>ACTIVE</td></tr>
 *   <tr><td>2</td><td>channel inactive, or handler removed</td>
 *       <td>cancel the timer, release everything</td><td>CLOSED</td></tr>
 *   <tr><td>3</td><td>any inbound message</td>
 *       <td>{@code lastRx = now}; if PROBING: the probing episode ends (event {@code PeerAlive}, with the round-trip
 *       time when the message is a reply whose id matches a probe of the episode), {@code probesOut = 0}; the timer
 *       is not touched</td><td>ACTIVE if it was PROBING, otherwise unchanged</td></tr>
 *   <tr><td>4</td><td>inbound probe from the peer</td>
 *       <td>answered at once by the responder; counts as traffic unless the policy's proof of life says
 *       otherwise</td><td>unchanged</td></tr>
 *   <tr><td>5</td><td>policy change at runtime</td>
 *       <td>a new idle re-arms at {@code now + max(0, idle - (now - lastRx))}; the other settings apply at the next
 *       tick</td><td>unchanged</td></tr>
 *   <tr><td>6</td><td>tick, input or output shut down</td><td>stop probing</td><td>SUSPENDED</td></tr>
 *   <tr><td>7</td><td>tick, writes pending or channel not writable, write progress within uto</td>
 *       <td>re-arm at {@code now + idle}, no probe (it would queue behind the data)</td><td>unchanged</td></tr>
 *   <tr><td>8</td><td>tick, writes pending and no write progress for uto</td>
 *       <td>verdict {@code WRITE_STALLED}</td><td>DEAD</td></tr>
 *   <tr><td>9</td><td>tick, {@code elapsed = now - lastRx < idle}</td>
 *       <td>re-arm at {@code lastRx + idle}</td><td>unchanged</td></tr>
 *   <tr><td>10</td><td>tick, {@code uto > 0 && elapsed >= uto && probesOut > 0}, or
 *       {@code uto == 0 && probesOut >= probes}</td>
 *       <td>verdict {@code PROBES_UNANSWERED} (or {@code USER_TIMEOUT} when the user timeout cut probing short of the
 *       probe count; {@code PROBES_UNWRITABLE} when no probe of the episode could be written, so the peer was never asked):
 *       event {@code PeerDead(reason, evidence)}, a {@code DeadPeerException} down the pipeline, one
 *       close (abortive where the transport allows)</td><td>DEAD</td></tr>
 *   <tr><td>11</td><td>tick, otherwise</td>
 *       <td>send a probe; {@code probesOut++} at once (even if the write later fails, as the kernel counts); event
 *       {@code ProbeSent}; re-arm {@code interval} after the tick's deadline (after {@code now} if the tick came
 *       more than an interval late)</td><td>PROBING</td></tr>
 *   <tr><td>12</td><td>a probe's write failed</td>
 *       <td>event {@code ProbeFailed}; counted against the episode (row 10). If the pipeline cannot encode probes at all
 *       (the keepalive handler sits before its codec), an error names the likely cause and probing stops, with no
 *       verdict on the peer</td><td>unchanged, or SUSPENDED</td></tr>
 *   <tr><td>K1</td><td>the socket fails with {@code ETIMEDOUT} (the kernel's keepalive or user timeout gave up)</td>
 *       <td>verdict {@code KERNEL_TIMEOUT} with the last {@code TCP_INFO} sample, instead of the bare error</td>
 *       <td>DEAD</td></tr>
 *   <tr><td>K2</td><td>the socket fails with {@code EHOSTUNREACH} or {@code ENETUNREACH} with data in flight</td>
 *       <td>verdict {@code KERNEL_UNREACHABLE} with the last {@code TCP_INFO} sample</td><td>DEAD</td></tr>
 * </table>
 *
 * <h2>Timing</h2>
 *
 * <p>With the last inbound message at t = 0 and a silent peer, probes go out at {@code idle + k × interval}
 * (k = 0 … probes − 1) and the verdict comes at {@code idle + probes × interval} without a user timeout; with one,
 * at the first {@code idle + k × interval >= uto} with k &gt;= 1
 * ({@link io.vigil.core.policy.KeepAlivePolicy#silentPeerVerdict()}). The timer fires each deadline at the first
 * tick at or after it: never early, at most one tick late.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.machine;

import org.jspecify.annotations.NullMarked;
