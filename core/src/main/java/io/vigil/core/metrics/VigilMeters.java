package io.vigil.core.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.docs.MeterDocumentation;
import org.jspecify.annotations.Nullable;

/**
 * Every meter {@link MicrometerHealthRecorder} registers: name, type, base unit and tag keys, declared once. Names
 * are Micrometer's dotted lowercase; each registry's naming convention renders them (Prometheus appends
 * {@code _total} to counters and {@code _seconds} to timers, so {@code vigil.keepalive.probes.sent} is scraped as
 * {@code vigil_keepalive_probes_sent_total}). Timers record in the registry's base time unit, so their
 * {@link #getBaseUnit()} is null here.
 *
 * <p>Every meter carries the {@link KeyNames#TRANSPORT transport}, {@link KeyNames#SIDE side} and
 * {@link KeyNames#PROTOCOL protocol} of the connections it counts (a {@link HealthSubject}), plus the binder's
 * common tags; some add one bounded key of their own. No meter is tagged with an address or any other
 * per-connection value unless the user asks for the peer's address ({@link KeyNames#REMOTE_ADDRESS}).
 *
 * <p>As a Prometheus scrape shows them:
 * <ul>
 *   <li>{@code vigil_keepalive_probes_sent_total}, {@code vigil_keepalive_probes_failed_total},
 *       {@code vigil_policing_strikes_total}, {@code vigil_policing_closes_total},
 *       {@code vigil_keepalive_backoffs_total}, {@code vigil_connections_retired_total{reason}},
 *       {@code vigil_keepalive_peer_alive_total},
 *       {@code vigil_keepalive_probes_unanswered_total}, {@code vigil_keepalive_verdicts_total{reason}},
 *       {@code vigil_keepalive_shadow_verdicts_total{reason}},
 *       {@code vigil_kernel_options_total{option,outcome}}: counters;</li>
 *   <li>{@code vigil_keepalive_rtt_seconds_bucket{le}} with {@code _count}, {@code _sum} and {@code _max}: a
 *       histogram;</li>
 *   <li>{@code vigil_keepalive_detection_latency_seconds_count{reason}} with {@code _sum} and {@code _max};</li>
 *   <li>{@code vigil_keepalive_connections{state}}: a gauge;</li>
 *   <li>{@code vigil_kernel_keepalive_probes_count}, {@code vigil_kernel_retransmits_count} with {@code _sum} and
 *       {@code _max}: summaries of {@code TCP_INFO} samples.</li>
 * </ul>
 *
 * <p>This type needs {@code micrometer-core} on the class path.
 *
 * @since 0.1
 * @see MicrometerHealthRecorder
 */
public enum VigilMeters implements MeterDocumentation {

    /**
     * Probes sent to quiet peers (the userspace mirror of a kernel keepalive probe). A counter.
     */
    PROBES_SENT("vigil.keepalive.probes.sent", Meter.Type.COUNTER, null,
            "Keepalive probes sent to quiet peers"),

    /**
     * Probes whose write failed: they count as probes, but the peer never saw them. A counter.
     */
    PROBES_FAILED("vigil.keepalive.probes.failed", Meter.Type.COUNTER, null,
            "Keepalive probes that could not be written"),

    /**
     * Proofs of life while probes were outstanding: each ends one probing episode, however many probes it had. A
     * counter.
     */
    PEER_ALIVE("vigil.keepalive.peer.alive", Meter.Type.COUNTER, null,
            "Probing episodes ended by the peer proving alive"),

    /**
     * Probes still unanswered when their connection was declared dead (the verdict's
     * {@link io.vigil.core.event.Evidence#probesOut()}). A counter.
     */
    PROBES_UNANSWERED("vigil.keepalive.probes.unanswered", Meter.Type.COUNTER, null,
            "Keepalive probes unanswered at a dead-peer verdict"),

    /**
     * Round-trip time of answered probes, where the reply identified its probe. A timer with a histogram of
     * {@link MicrometerHealthRecorder#RTT_BUCKETS}.
     */
    PROBE_RTT("vigil.keepalive.rtt", Meter.Type.TIMER, null,
            "Round-trip time of answered keepalive probes"),

    /**
     * Peers declared dead, by {@link KeyNames#REASON reason}. A counter.
     */
    VERDICTS("vigil.keepalive.verdicts", Meter.Type.COUNTER, null,
            "Dead-peer verdicts", KeyNames.REASON),

    /**
     * In shadow mode, the verdicts that would have been made, by {@link KeyNames#REASON reason}; nothing was closed.
     * A counter.
     */
    SHADOW_VERDICTS("vigil.keepalive.shadow.verdicts", Meter.Type.COUNTER, null,
            "Dead-peer verdicts made in shadow mode, not enforced", KeyNames.REASON),

    /**
     * Detection latency: from the last proof of life (the last inbound message, or the connection's start) to the
     * dead-peer verdict, by {@link KeyNames#REASON reason}. A timer.
     */
    DETECTION_LATENCY("vigil.keepalive.detection.latency", Meter.Type.TIMER, null,
            "Time from the last proof of life to the dead-peer verdict", KeyNames.REASON),

    /**
     * Open connections by health {@link KeyNames#STATE state}: {@code active} (no probe outstanding),
     * {@code probing} or {@code suspended} (half-closed). Summed over states it is every connection the handler
     * watches. A gauge over event-loop-local counts; there is no meter per connection.
     */
    CONNECTIONS("vigil.keepalive.connections", Meter.Type.GAUGE, BaseUnits.CONNECTIONS,
            "Open connections by keepalive health state", KeyNames.STATE),

    /**
     * Kernel keepalive options set on sockets, by {@link KeyNames#OPTION option} and {@link KeyNames#OUTCOME
     * outcome} ({@code applied}, {@code different} or {@code unsupported} by the transport). A counter.
     */
    KERNEL_OPTIONS("vigil.kernel.options", Meter.Type.COUNTER, null,
            "Kernel keepalive options set on sockets, by outcome", KeyNames.OPTION, KeyNames.OUTCOME),

    /**
     * Unanswered kernel keepalive probes ({@code tcpi_probes}) seen in each {@code TCP_INFO} sample, on transports
     * that have one. A distribution summary: its max is the worst seen.
     */
    KERNEL_PROBES("vigil.kernel.keepalive.probes", Meter.Type.DISTRIBUTION_SUMMARY, "probes",
            "Unanswered kernel keepalive probes per TCP_INFO sample"),

    /**
     * Consecutive retransmissions of the head segment ({@code tcpi_retransmits}) seen in each {@code TCP_INFO}
     * sample, on transports that have one. A distribution summary.
     */
    KERNEL_RETRANSMITS("vigil.kernel.retransmits", Meter.Type.DISTRIBUTION_SUMMARY, "retransmits",
            "Consecutive retransmissions of the head segment per TCP_INFO sample"),

    /**
     * Pings from peers that came sooner than the server's ping-rate policy permits
     * ({@link io.vigil.core.event.PingStrike}). A counter.
     *
     * @since 0.2
     */
    PING_STRIKES("vigil.policing.strikes", Meter.Type.COUNTER, null,
            "Peer pings sooner than the ping-rate policy permits"),

    /**
     * Connections the server ended because their peer pinged too often after the policy's strikes (HTTP/2:
     * {@code GOAWAY too_many_pings}; {@link io.vigil.core.event.TooManyPings}). A counter.
     *
     * @since 0.2
     */
    TOO_MANY_PINGS("vigil.policing.closes", Meter.Type.COUNTER, null,
            "Connections ended for too many pings"),

    /**
     * Times a client doubled its probe idle time for a remote address after a {@code too_many_pings}
     * ({@link io.vigil.core.event.PingBackoff}). A counter.
     *
     * @since 0.2
     */
    PING_BACKOFFS("vigil.keepalive.backoffs", Meter.Type.COUNTER, null,
            "Probe idle time doubled after too_many_pings"),

    /**
     * Connections retired by a lifecycle policy, by {@link KeyNames#REASON reason}: {@code max_idle},
     * {@code max_age}, and {@code max_age_forced} / {@code max_idle_forced} when the grace period ran out with the
     * connection still open ({@link io.vigil.core.event.ConnectionRetired}). A counter.
     *
     * @since 0.2
     */
    RETIRED("vigil.connections.retired", Meter.Type.COUNTER, null,
            "Connections retired for idleness or age", KeyNames.REASON);

    private final String name;
    private final Meter.Type type;
    private final @Nullable String baseUnit;
    private final String description;
    private final KeyName[] keyNames;

    VigilMeters(String name, Meter.Type type, @Nullable String baseUnit, String description, KeyName... own) {
        this.name = name;
        this.type = type;
        this.baseUnit = baseUnit;
        this.description = description;
        this.keyNames = KeyName.merge(new KeyName[] {KeyNames.TRANSPORT, KeyNames.SIDE, KeyNames.PROTOCOL}, own);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Meter.Type getType() {
        return type;
    }

    @Override
    public @Nullable String getBaseUnit() {
        return baseUnit;
    }

    @Override
    public KeyName[] getKeyNames() {
        return keyNames.clone();
    }

    /**
     * Returns the one-line description registered with the meter.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * The tag keys of Vigil's meters. Every value is bounded.
     *
     * @since 0.1
     */
    public enum KeyNames implements KeyName {

        /** The channel's transport: {@code epoll}, {@code io_uring}, {@code nio}, ... ({@link HealthSubject}). */
        TRANSPORT("transport"),

        /** {@code client} or {@code server} ({@link HealthSubject}). */
        SIDE("side"),

        /** The probing protocol, e.g. {@code heartbeat} ({@link HealthSubject}). */
        PROTOCOL("protocol"),

        /**
         * The {@link io.vigil.core.event.DeathReason} in lowercase, e.g. {@code probes_unanswered}; on
         * {@link #RETIRED}, the {@link io.vigil.core.event.ConnectionRetired.Reason}'s debug data.
         */
        REASON("reason"),

        /** The {@link io.vigil.core.machine.HealthState}: {@code active}, {@code probing} or {@code suspended}. */
        STATE("state"),

        /** The {@link io.vigil.core.kernel.KernelOption#optionName()}, e.g. {@code TCP_KEEPIDLE}. */
        OPTION("option"),

        /** The {@link io.vigil.core.kernel.OptionOutcome.Status} in lowercase, e.g. {@code unsupported}. */
        OUTCOME("outcome"),

        /**
         * The peer's host address, on every meter, only when asked for with
         * {@link MicrometerHealthRecorder#MicrometerHealthRecorder(Iterable, boolean)}: unbounded, so not required
         * and off by default.
         */
        REMOTE_ADDRESS("remote.address") {
            @Override
            public boolean isRequired() {
                return false;
            }
        };

        private final String key;

        KeyNames(String key) {
            this.key = key;
        }

        @Override
        public String asString() {
            return key;
        }
    }
}
