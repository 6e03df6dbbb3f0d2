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
 * <h2>Timing: rows 1, 5, 7, 9, 10 and 11 on the kernel's grid</h2>
 *
 * <p>One rule for both layers. A machine whose {@code clock()} is a {@link io.vigil.core.policy.KernelClock} (the
 * handler's default, {@link io.vigil.core.policy.KernelClock#detect()}) keeps its deadlines where Linux's own keepalive timer
 * fires for the same policy, by replaying {@code tcp_keepalive_timer} in jiffies ({@code 1/HZ} s). With
 * {@code j(t)} the jiffy in progress at ticker time {@code t}, {@code fire(e, d)} the timer wheel's expiry for a timer
 * armed for jiffy {@code e} while {@code d} jiffies ahead (the next multiple of its level's granularity 1, 8, 64,
 * 512 ... jiffies after {@code e}), {@code idle}, {@code interval} and {@code uto} in jiffies
 * ({@code msecs_to_jiffies} for the user timeout), {@code R = j(lastRx)} and {@code E} the expiry a tick stands for:
 * <table>
 *   <caption>Deadlines on a kernel grid (each deadline is the start of the jiffy, in ticker time)</caption>
 *   <tr><th>Row</th><th>Kernel</th><th>Next expiry</th></tr>
 *   <tr><td>1</td><td>keepalive armed at connection, outside a timer callback</td>
 *       <td>{@code fire(j(now) + idle, idle)}</td></tr>
 *   <tr><td>5</td><td>{@code TCP_KEEPIDLE} on a live socket: {@code a = max(0, idle - (j(now) - R))} ahead</td>
 *       <td>{@code fire(j(now) + a, a)}</td></tr>
 *   <tr><td>7</td><td>busy: a whole idle from inside the callback (the wheel clock one jiffy ahead)</td>
 *       <td>{@code fire(E + idle, idle - 1)}</td></tr>
 *   <tr><td>9</td><td>{@code E - R < idle}: the lazy re-arm</td>
 *       <td>{@code fire(R + idle, R + idle - E - 1)}</td></tr>
 *   <tr><td>10</td><td>give up: {@code uto > 0 && E - R >= uto && probesOut > 0}, or
 *       {@code uto == 0 && probesOut >= probes}</td><td>none (verdict)</td></tr>
 *   <tr><td>11</td><td>probe, re-armed {@code interval} from inside the callback</td>
 *       <td>{@code fire(E + interval, interval - 1)}</td></tr>
 * </table>
 *
 * <p>For a silent peer, last arrival in jiffy {@code R}, the k-th expiry (k &gt;= 1) is therefore
 * {@code R + idle + interval + c + (k - 1) × S}, with {@code S = g × (⌊interval / g⌋ + 1)} ({@code g} the interval's
 * level granularity: 1.024 s, 2.016 s, 3.072 s for 1, 2, 3 s at HZ 250) and {@code c} set by the jiffies phase of
 * {@code R} and the last arming ({@link io.vigil.core.policy.KernelSchedule}); the verdict comes at expiry
 * {@code probes}, or with a user timeout at the first expiry whose real elapsed time reaches it, which for an
 * off-grid user timeout is one expiry before the nominal {@code idle + k × interval} says. Both are exactly what
 * {@link io.vigil.core.policy.KernelSchedule#expiryJiffiesArmedAt} returns for the same connection and arrival
 * jiffies, and always within {@link io.vigil.core.policy.KernelSchedule#verdictEarliestNanos()} ..
 * {@link io.vigil.core.policy.KernelSchedule#verdictLatestNanos()} after the last arrival: never early.
 *
 * <p>What {@code R} is: where the transport shows {@code TCP_INFO} (epoll, io_uring) the handler hands the kernel's
 * own receipt jiffy of the latest data ({@code tcpi_last_data_recv}) to every tick
 * ({@link io.vigil.core.machine.ChannelSnapshot#kernelReceipt(long)}), so a stall of our own loop changes nothing;
 * elsewhere it is the read path's stamp, an upper bound of arrival (at most two timer ticks late, more after a
 * stall), so the schedule can only be later, by up to that margin or, where the margin moves a timer past a multiple
 * of its level's granularity, by that granularity; and a verdict due right after a loop stall waits one more probe.
 *
 * <p>Where the jiffies phase is unknown (no {@code /proc/timer_list}: not root), the clock assumes one; the machine
 * then follows a history the kernel could have had, within the bounds above, but not necessarily this kernel's.
 *
 * <p>The timer fires each deadline at the first tick of its own wheel at or after it: the userspace verdict comes at
 * the kernel's expiry plus up to one wheel tick (10 ms by default) plus the event loop's delay. Measured against the
 * real kernel (FIDELITY.md), 66 policies on epoll at HZ 250 with two busy threads in the JVM on two shared cores:
 * in one run the userspace verdict came 4.7 ms before to 19.6 ms after the kernel's {@code ETIMEDOUT} as the JVM saw
 * it (median 10.9 ms after); in a busier one (load average 8.9), 13.2 ms before to 53.7 ms after (median 7.7 ms).
 *
 * <p>{@link io.vigil.core.policy.KernelClock#NOMINAL} keeps the nominal grid: probes at {@code idle + k × interval}
 * after the last arrival, the verdict at {@code idle + probes × interval} or the first {@code idle + k × interval >=
 * uto}, each deadline fired at the first tick at or after it. The machine's row tests use it.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.core.machine;

import org.jspecify.annotations.NullMarked;
