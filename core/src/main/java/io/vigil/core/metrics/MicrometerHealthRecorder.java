package io.vigil.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vigil.core.event.DeathReason;
import io.vigil.core.event.Evidence;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.event.ConnectionRetired;
import io.vigil.core.event.LifecycleEvent;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import io.vigil.core.machine.HealthState;
import io.vigil.core.metrics.VigilMeters.KeyNames;
import io.vigil.core.kernel.KernelOption;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.kernel.OptionOutcome;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * Records the health layer in Micrometer: a {@link HealthRecorder} to hand to the keepalive handlers, and the
 * {@link MeterBinder} that puts its meters in a registry.
 *
 * <pre>{@code
 * MicrometerHealthRecorder metrics = new MicrometerHealthRecorder(Tags.of("service", "orders"));
 * metrics.bindTo(registry);
 * ...
 * protected void initChannel(SocketChannel ch) {
 *     HeartbeatKeepAlive.install(ch.pipeline(), policy, metrics);
 * }
 * }</pre>
 *
 * <p>The meters are listed, with their tags, in {@link VigilMeters}. A subject's meters (one transport, side and
 * protocol) are registered the first time a connection of that subject records something, then cached: recording
 * a probe or a verdict is one map look-up and an increment, and nothing is built per event. Meters that only some
 * connections need (verdicts of one reason, kernel options, kernel samples) are registered on first use, so a
 * transport without {@code TCP_INFO} has no kernel-sample meters.
 *
 * <p>Connection counts by state are kept per event loop with no atomic read-modify-write and summed by the
 * {@link VigilMeters#CONNECTIONS} gauges; they are kept from construction, so connections opened before
 * {@link #bindTo} are counted. Other events that happen before {@link #bindTo} are not recorded. One instance may
 * be bound to several registries; each gets every meter.
 *
 * <p>Cost: nothing on the read and write paths; the handler calls a recorder only per probe, per verdict and per
 * state change. Failures: the keepalive handler catches and logs anything a recorder throws, so the connection is
 * never affected.
 *
 * <p><b>Thread safety:</b> thread-safe; one instance serves every channel on every event loop.
 *
 * @since 0.1
 * @see VigilMeters
 * @see CompositeHealthRecorder
 */
public final class MicrometerHealthRecorder implements HealthRecorder, MeterBinder {

    /**
     * The upper bounds of the {@link VigilMeters#PROBE_RTT} histogram's buckets: 0.5, 1, 2.5, 5, 10, 25, 50, 100,
     * 250 and 500 ms, 1, 2.5, 5, 10 and 30 s (and infinity). Fifteen fixed buckets keep the histogram cheap on every
     * backend; a {@code MeterFilter} can add Micrometer's percentile histogram where finer resolution is wanted.
     */
    public static final List<Duration> RTT_BUCKETS = List.of(
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));

    private static final HealthState[] COUNTED = {HealthState.ACTIVE, HealthState.PROBING, HealthState.SUSPENDED};
    private static final DeathReason[] REASONS = DeathReason.values();
    private static final KernelOption[] OPTIONS = KernelOption.values();
    private static final OptionOutcome.Status[] STATUSES = OptionOutcome.Status.values();
    private static final RegistryMeters[] NONE = new RegistryMeters[0];

    private final Tags tags;
    private final boolean remoteAddressTag;
    private final ConcurrentMap<HealthSubject, ConnectionCounts> connections = new ConcurrentHashMap<>();
    private volatile RegistryMeters[] bound = NONE;

    /** Creates a recorder with no common tags. Its meters are registered in {@link #bindTo}. */
    public MicrometerHealthRecorder() {
        this(Tags.empty());
    }

    /**
     * Creates a recorder. Its meters are registered in {@link #bindTo}.
     *
     * @param tags common tags added to every meter, e.g. the service name; their keys must differ from
     *        {@link VigilMeters.KeyNames}
     * @throws IllegalArgumentException if a tag uses one of Vigil's keys
     */
    public MicrometerHealthRecorder(Iterable<Tag> tags) {
        this(tags, false);
    }

    /**
     * Creates a recorder that may tag every meter with the peer's host address ({@link KeyNames#REMOTE_ADDRESS}).
     * Only ask for it with few, known peers: it makes one set of series per peer host, and the series of a host
     * that went away stay registered.
     *
     * @param tags common tags added to every meter; their keys must differ from {@link VigilMeters.KeyNames}
     * @param remoteAddressTag whether to tag meters with the peer's host address
     * @throws IllegalArgumentException if a tag uses one of Vigil's keys
     */
    public MicrometerHealthRecorder(Iterable<Tag> tags, boolean remoteAddressTag) {
        this.remoteAddressTag = remoteAddressTag;
        Tags common = Tags.of(Objects.requireNonNull(tags, "tags"));
        for (Tag tag : common) {
            for (KeyNames key : KeyNames.values()) {
                if (key.asString().equals(tag.getKey())) {
                    throw new IllegalArgumentException("tags: key '" + tag.getKey()
                            + "' is set by Vigil's meters; choose another key for the common tag");
                }
            }
        }
        this.tags = common;
    }

    /**
     * Registers the meters of every subject seen so far in the registry, and of every later subject when it is
     * first seen. Binding the same registry again does nothing.
     *
     * @param registry the registry
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        RegistryMeters[] current = bound;
        for (RegistryMeters r : current) {
            if (r.registry == registry) {
                return;
            }
        }
        RegistryMeters added = new RegistryMeters(registry);
        RegistryMeters[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = added;
        // Publish first, then register what is known: a subject first seen meanwhile registers itself in `added`.
        bound = next;
        for (HealthSubject subject : connections.keySet()) {
            added.meters(subject);
        }
    }

    @Override
    public boolean tagsRemoteAddress() {
        return remoteAddressTag;
    }

    @Override
    public void probeSent(HealthSubject subject, int probe) {
        for (RegistryMeters r : bound) {
            r.meters(subject).probesSent.increment();
        }
    }

    @Override
    public void probeFailed(HealthSubject subject, int probe) {
        for (RegistryMeters r : bound) {
            r.meters(subject).probesFailed.increment();
        }
    }

    @Override
    public void peerAlive(HealthSubject subject, int probes, long rttNanos) {
        for (RegistryMeters r : bound) {
            SubjectMeters m = r.meters(subject);
            m.peerAlive.increment();
            if (rttNanos >= 0) {
                m.rtt.record(rttNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Counts the verdict, records its detection latency ({@link Evidence#sinceLastInboundNanos()}, taken as 0 if
     * negative) and counts its unanswered probes.
     */
    @Override
    public void peerDead(HealthSubject subject, PeerDead verdict) {
        Evidence evidence = verdict.evidence();
        int reason = verdict.reason().ordinal();
        long latency = Math.max(0, evidence.sinceLastInboundNanos());
        for (RegistryMeters r : bound) {
            SubjectMeters m = r.meters(subject);
            m.verdicts(reason).increment();
            m.detection(reason).record(latency, TimeUnit.NANOSECONDS);
            if (evidence.probesOut() > 0) {
                m.probesUnanswered.increment(evidence.probesOut());
            }
        }
    }

    @Override
    public void shadowVerdict(HealthSubject subject, PeerDead wouldBe) {
        int reason = wouldBe.reason().ordinal();
        for (RegistryMeters r : bound) {
            r.meters(subject).shadowVerdicts(reason).increment();
        }
    }

    @Override
    public void lifecycle(HealthSubject subject, LifecycleEvent event) {
        for (RegistryMeters r : bound) {
            SubjectMeters m = r.meters(subject);
            if (event instanceof PingStrike) {
                m.lifecycle(VigilMeters.PING_STRIKES, null).increment();
            } else if (event instanceof TooManyPings) {
                m.lifecycle(VigilMeters.TOO_MANY_PINGS, null).increment();
            } else if (event instanceof PingBackoff) {
                m.lifecycle(VigilMeters.PING_BACKOFFS, null).increment();
            } else if (event instanceof ConnectionRetired) {
                ConnectionRetired retired = (ConnectionRetired) event;
                m.lifecycle(VigilMeters.RETIRED, retired.reason().debugData() + (retired.forced() ? "_forced" : ""))
                        .increment();
            }
        }
    }

    @Override
    public void stateChanged(HealthSubject subject, HealthState from, HealthState to) {
        counts(subject).move(from, to);
        for (RegistryMeters r : bound) {
            r.meters(subject);
        }
    }

    @Override
    public void kernelOptions(HealthSubject subject, KernelOptionsReport report) {
        for (RegistryMeters r : bound) {
            SubjectMeters m = r.meters(subject);
            for (OptionOutcome outcome : report.outcomes()) {
                m.kernelOption(outcome.option(), outcome.status()).increment();
            }
        }
    }

    @Override
    public void kernelSample(HealthSubject subject, KernelSample sample) {
        for (RegistryMeters r : bound) {
            SubjectMeters m = r.meters(subject);
            m.kernelProbes().record(sample.probes());
            m.kernelRetransmits().record(sample.retransmits());
        }
    }

    /**
     * Returns how many connections of a subject are in a state, as the {@link VigilMeters#CONNECTIONS} gauge reads
     * it.
     *
     * @param subject the subject
     * @param state {@link HealthState#ACTIVE}, {@link HealthState#PROBING} or {@link HealthState#SUSPENDED}
     * @return the count; 0 for other states and unknown subjects
     */
    public long connections(HealthSubject subject, HealthState state) {
        ConnectionCounts counts = connections.get(subject);
        return counts == null ? 0 : counts.count(state);
    }

    private ConnectionCounts counts(HealthSubject subject) {
        ConnectionCounts counts = connections.get(subject);
        return counts != null ? counts : connections.computeIfAbsent(subject, s -> new ConnectionCounts());
    }

    @Override
    public String toString() {
        return "MicrometerHealthRecorder(tags " + tags + (remoteAddressTag ? ", remote.address" : "")
                + ", registries bound " + bound.length + ")";
    }

    private Tags subjectTags(HealthSubject s) {
        Tags t = tags.and(KeyNames.TRANSPORT.asString(), s.transport(),
                KeyNames.SIDE.asString(), s.side(),
                KeyNames.PROTOCOL.asString(), s.protocol());
        return remoteAddressTag && !s.remoteAddress().isEmpty()
                ? t.and(KeyNames.REMOTE_ADDRESS.asString(), s.remoteAddress()) : t;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The meters of one registry, per subject. */
    private final class RegistryMeters {
        final MeterRegistry registry;
        private final ConcurrentMap<HealthSubject, SubjectMeters> subjects = new ConcurrentHashMap<>();

        RegistryMeters(MeterRegistry registry) {
            this.registry = registry;
        }

        SubjectMeters meters(HealthSubject subject) {
            SubjectMeters m = subjects.get(subject);
            return m != null ? m : subjects.computeIfAbsent(subject,
                    s -> new SubjectMeters(registry, subjectTags(s), counts(s)));
        }
    }

    /** The meters of one subject in one registry. Lazily registered ones are published through atomics. */
    private static final class SubjectMeters {
        private final MeterRegistry registry;
        private final Tags tags;
        final Counter probesSent;
        final Counter probesFailed;
        final Counter peerAlive;
        final Counter probesUnanswered;
        final Timer rtt;
        private final AtomicReferenceArray<Counter> verdicts = new AtomicReferenceArray<>(REASONS.length);
        private final AtomicReferenceArray<Counter> shadowVerdicts = new AtomicReferenceArray<>(REASONS.length);
        private final AtomicReferenceArray<Timer> detection = new AtomicReferenceArray<>(REASONS.length);
        private final AtomicReferenceArray<Counter> kernelOptions =
                new AtomicReferenceArray<>(OPTIONS.length * STATUSES.length);
        private volatile @Nullable DistributionSummary kernelProbes;
        private volatile @Nullable DistributionSummary kernelRetransmits;

        SubjectMeters(MeterRegistry registry, Tags tags, ConnectionCounts counts) {
            this.registry = registry;
            this.tags = tags;
            probesSent = counter(VigilMeters.PROBES_SENT, tags);
            probesFailed = counter(VigilMeters.PROBES_FAILED, tags);
            peerAlive = counter(VigilMeters.PEER_ALIVE, tags);
            probesUnanswered = counter(VigilMeters.PROBES_UNANSWERED, tags);
            rtt = Timer.builder(VigilMeters.PROBE_RTT.getName())
                    .description(VigilMeters.PROBE_RTT.description())
                    .tags(tags)
                    .serviceLevelObjectives(RTT_BUCKETS.toArray(new Duration[0]))
                    .register(registry);
            for (HealthState state : COUNTED) {
                Gauge.builder(VigilMeters.CONNECTIONS.getName(), counts, c -> c.count(state))
                        .description(VigilMeters.CONNECTIONS.description())
                        .baseUnit(VigilMeters.CONNECTIONS.getBaseUnit())
                        .tags(tags)
                        .tag(KeyNames.STATE.asString(), lower(state))
                        .strongReference(true)
                        .register(registry);
            }
        }

        private Counter counter(VigilMeters meter, Tags meterTags) {
            return Counter.builder(meter.getName())
                    .description(meter.description())
                    .baseUnit(meter.getBaseUnit())
                    .tags(meterTags)
                    .register(registry);
        }

        private DistributionSummary summary(VigilMeters meter) {
            return DistributionSummary.builder(meter.getName())
                    .description(meter.description())
                    .baseUnit(meter.getBaseUnit())
                    .tags(tags)
                    .register(registry);
        }

        /** Lifecycle counters are rare: looked up in the registry (which caches them) per event. */
        Counter lifecycle(VigilMeters meter, @Nullable String reason) {
            return counter(meter, reason == null ? tags : tags.and(KeyNames.REASON.asString(), reason));
        }

        // The lazy look-ups below may race to register the same meter; the registry returns the same instance.

        Counter verdicts(int reason) {
            Counter c = verdicts.get(reason);
            if (c == null) {
                c = counter(VigilMeters.VERDICTS, tags.and(KeyNames.REASON.asString(), lower(REASONS[reason])));
                verdicts.set(reason, c);
            }
            return c;
        }

        Counter shadowVerdicts(int reason) {
            Counter c = shadowVerdicts.get(reason);
            if (c == null) {
                c = counter(VigilMeters.SHADOW_VERDICTS,
                        tags.and(KeyNames.REASON.asString(), lower(REASONS[reason])));
                shadowVerdicts.set(reason, c);
            }
            return c;
        }

        Timer detection(int reason) {
            Timer t = detection.get(reason);
            if (t == null) {
                t = Timer.builder(VigilMeters.DETECTION_LATENCY.getName())
                        .description(VigilMeters.DETECTION_LATENCY.description())
                        .tags(tags)
                        .tag(KeyNames.REASON.asString(), lower(REASONS[reason]))
                        .register(registry);
                detection.set(reason, t);
            }
            return t;
        }

        Counter kernelOption(KernelOption option, OptionOutcome.Status status) {
            int i = option.ordinal() * STATUSES.length + status.ordinal();
            Counter c = kernelOptions.get(i);
            if (c == null) {
                c = counter(VigilMeters.KERNEL_OPTIONS, tags.and(
                        KeyNames.OPTION.asString(), option.optionName(),
                        KeyNames.OUTCOME.asString(), lower(status)));
                kernelOptions.set(i, c);
            }
            return c;
        }

        DistributionSummary kernelProbes() {
            DistributionSummary s = kernelProbes;
            if (s == null) {
                s = summary(VigilMeters.KERNEL_PROBES);
                kernelProbes = s;
            }
            return s;
        }

        DistributionSummary kernelRetransmits() {
            DistributionSummary s = kernelRetransmits;
            if (s == null) {
                s = summary(VigilMeters.KERNEL_RETRANSMITS);
                kernelRetransmits = s;
            }
            return s;
        }
    }
}
