package io.vigil.core.policy;

import static io.vigil.core.policy.Limits.NANOS_PER_MILLI;
import static io.vigil.core.policy.Limits.NANOS_PER_SECOND;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * When to probe a quiet peer and when to declare it dead: one immutable value that drives both the kernel's TCP
 * keepalive and Vigil's userspace mirror of it.
 *
 * <p>The rules are those of Linux's {@code tcp_keepalive_timer}. After {@link #idle()} without inbound traffic a
 * probe is sent; another follows every {@link #interval()}; any inbound message resets the count. A peer is
 * declared dead when {@link #probes()} probes went unanswered, or, when a {@link #userTimeout() user timeout} is
 * set, at the first probe tick at least that long after the last inbound message. With the default user timeout
 * ({@code idle + probes × interval}) both rules agree: a silent peer is declared dead
 * {@link #silentPeerVerdict()} after its last message.
 *
 * <pre>{@code
 * KeepAlivePolicy policy = KeepAlivePolicy.builder()
 *         .idle(Duration.ofSeconds(30))
 *         .interval(Duration.ofSeconds(10))
 *         .probes(3)
 *         .build();                                  // dead within 60 s
 * KeepAlivePolicy planned = KeepAlivePolicy.deadWithin(Duration.ofSeconds(60)); // the same policy
 * }</pre>
 *
 * <p>Ranges follow the kernel's so that a policy is always one the kernel can carry, except for sub-second
 * precision, which only the userspace layer has: idle and interval 1 ms .. 32767 s, probes 1 .. 127, user timeout
 * 0 (off) or 1 ms .. {@link Integer#MAX_VALUE} ms. See {@link #toKernel(KernelRounding)} for how a sub-second
 * value reaches the kernel.
 *
 * <p><b>Thread safety:</b> immutable; safe to share between threads and channels.
 *
 * @since 0.1
 */
public final class KeepAlivePolicy {

    /** Default idle time before the first probe: {@value #DEFAULT_IDLE_SECONDS} s. */
    public static final long DEFAULT_IDLE_SECONDS = 30;
    /** Default time between probes: {@value #DEFAULT_INTERVAL_SECONDS} s. */
    public static final long DEFAULT_INTERVAL_SECONDS = 10;
    /** Default number of unanswered probes before the verdict: {@value #DEFAULT_PROBES}. */
    public static final int DEFAULT_PROBES = 3;
    /** Number of probes a {@link #deadWithin(Duration) planned} policy sends: {@value #PLANNED_PROBES}. */
    public static final int PLANNED_PROBES = 3;

    /** Smallest idle, interval or user timeout: 1 ms. */
    public static final Duration MIN_DURATION = Duration.ofMillis(1);
    /** Largest idle or interval: 32767 s, the kernel's limit for {@code TCP_KEEPIDLE} and {@code TCP_KEEPINTVL}. */
    public static final Duration MAX_IDLE_OR_INTERVAL = Duration.ofSeconds(Limits.MAX_KERNEL_SECONDS);
    /** Largest probe count: 127, the kernel's limit for {@code TCP_KEEPCNT}. */
    public static final int MAX_PROBES = Limits.MAX_PROBES;
    /** Largest user timeout: {@link Integer#MAX_VALUE} ms, the kernel's limit for {@code TCP_USER_TIMEOUT}. */
    public static final Duration MAX_USER_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);
    /** Smallest budget {@link #deadWithin(Duration)} accepts: 6 ms (a 1 ms interval). */
    public static final Duration MIN_BUDGET = Duration.ofMillis(2L * PLANNED_PROBES);
    /** Largest budget {@link #deadWithin(Duration)} accepts: 18 h. */
    public static final Duration MAX_BUDGET = Duration.ofHours(18);

    private static final KeepAlivePolicy DEFAULT = builder().build();

    private final long idleNanos;
    private final long intervalNanos;
    private final int probes;
    private final long userTimeoutNanos;
    private final boolean userTimeoutDefault;
    private final ProofOfLife proofOfLife;

    private KeepAlivePolicy(Builder b, long userTimeoutNanos) {
        this.idleNanos = b.idleNanos;
        this.intervalNanos = b.intervalNanos;
        this.probes = b.probes;
        this.userTimeoutNanos = userTimeoutNanos;
        this.userTimeoutDefault = b.userTimeoutNanos == null;
        this.proofOfLife = b.proofOfLife;
    }

    /**
     * Returns the default policy: idle {@value #DEFAULT_IDLE_SECONDS} s, interval
     * {@value #DEFAULT_INTERVAL_SECONDS} s, {@value #DEFAULT_PROBES} probes, the default user timeout (60 s).
     *
     * @return the default policy
     */
    public static KeepAlivePolicy defaults() {
        return DEFAULT;
    }

    /**
     * Returns a builder preset with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Plans a whole policy from one budget: "declare a silent peer dead within {@code budget}".
     *
     * <p>The plan sends {@value #PLANNED_PROBES} probes and spends half the budget idle:
     * <pre>
     *   interval    = budget / 6
     *   idle        = budget - 3 × interval          (= budget / 2)
     *   userTimeout = idle + 3 × interval            (the default)
     * </pre>
     * For budgets of 6 s and more, interval and idle are rounded <em>down</em> to whole seconds
     * ({@code interval = ⌊budget / 6⌋ s}, {@code idle = ⌊budget - 3 × interval⌋ s}), so that the policy is
     * {@linkplain #isKernelRepresentable() kernel-representable} and its verdict comes at {@code ⌊budget⌋} whole
     * seconds: never later than the budget. Below 6 s the values keep nanosecond precision and the verdict comes
     * at the budget to the nanosecond, less the remainder of the division by 6.
     *
     * @param budget the longest a silent peer may stay undetected, 6 ms .. 18 h
     * @return a policy whose {@link #silentPeerVerdict()} is at most {@code budget}
     * @throws IllegalArgumentException if the budget is out of range, naming value, range and unit
     */
    public static KeepAlivePolicy deadWithin(Duration budget) {
        long total = Limits.checkDuration("budget", budget, MIN_BUDGET, MAX_BUDGET);
        long interval;
        long idle;
        if (total >= 2L * PLANNED_PROBES * NANOS_PER_SECOND) {
            long intervalSeconds = total / (2L * PLANNED_PROBES) / NANOS_PER_SECOND;
            interval = intervalSeconds * NANOS_PER_SECOND;
            idle = (total - PLANNED_PROBES * interval) / NANOS_PER_SECOND * NANOS_PER_SECOND;
        } else {
            interval = total / (2L * PLANNED_PROBES);
            idle = total - PLANNED_PROBES * interval;
        }
        return builder()
                .idle(Duration.ofNanos(idle))
                .interval(Duration.ofNanos(interval))
                .probes(PLANNED_PROBES)
                .build();
    }

    /**
     * Returns a builder holding this policy's values, to derive a changed policy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.idleNanos = idleNanos;
        b.intervalNanos = intervalNanos;
        b.probes = probes;
        b.userTimeoutNanos = userTimeoutDefault ? null : userTimeoutNanos;
        b.proofOfLife = proofOfLife;
        return b;
    }

    /**
     * Returns how long the peer may be silent before the first probe.
     *
     * @return the idle time
     */
    public Duration idle() {
        return Duration.ofNanos(idleNanos);
    }

    /**
     * Returns the idle time.
     *
     * @return nanoseconds
     */
    public long idleNanos() {
        return idleNanos;
    }

    /**
     * Returns the time between probes.
     *
     * @return the interval
     */
    public Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    /**
     * Returns the time between probes.
     *
     * @return nanoseconds
     */
    public long intervalNanos() {
        return intervalNanos;
    }

    /**
     * Returns how many unanswered probes make the verdict when no user timeout is set. With a user timeout the
     * kernel ignores the count, and so does Vigil.
     *
     * @return 1 .. 127
     */
    public int probes() {
        return probes;
    }

    /**
     * Returns the user timeout: the longest the peer may be silent once probing started, and the longest a
     * pending write may make no progress. Zero means off.
     *
     * @return the user timeout, {@link Duration#ZERO} if off
     */
    public Duration userTimeout() {
        return Duration.ofNanos(userTimeoutNanos);
    }

    /**
     * Returns the user timeout.
     *
     * @return nanoseconds, 0 if off
     */
    public long userTimeoutNanos() {
        return userTimeoutNanos;
    }

    /**
     * Tells whether the user timeout is the default {@code idle + probes × interval} rather than set explicitly.
     *
     * @return true if the user timeout was not set
     */
    public boolean isUserTimeoutDefault() {
        return userTimeoutDefault;
    }

    /**
     * Returns which inbound traffic proves the peer alive.
     *
     * @return the proof-of-life rule
     */
    public ProofOfLife proofOfLife() {
        return proofOfLife;
    }

    /**
     * Returns when a silent peer is declared dead, measured from its last inbound message: the kernel's formula
     * ({@code idle + probes × interval} without a user timeout, otherwise the first {@code idle + k × interval},
     * {@code k >= 1}, at or after the user timeout).
     *
     * @return the verdict time of a silent peer
     */
    public Duration silentPeerVerdict() {
        return Duration.ofNanos(Limits.silentPeerVerdict(idleNanos, intervalNanos, probes, userTimeoutNanos));
    }

    /**
     * Returns how many probes go unanswered before a silent peer is declared dead: {@link #probes()} without a
     * user timeout; with one, as many as fit before it (possibly more than {@link #probes()}, at least one).
     *
     * @return the number of probes sent to a silent peer
     */
    public long silentPeerProbes() {
        return Limits.silentPeerProbes(idleNanos, intervalNanos, probes, userTimeoutNanos);
    }

    /**
     * Tells whether the kernel can carry this policy exactly: idle and interval in whole seconds and the user
     * timeout in whole milliseconds.
     *
     * @return true if {@link #toKernel(KernelRounding) toKernel(REJECT)} succeeds
     */
    public boolean isKernelRepresentable() {
        return idleNanos % NANOS_PER_SECOND == 0
                && intervalNanos % NANOS_PER_SECOND == 0
                && (userTimeoutDefault || userTimeoutNanos % NANOS_PER_MILLI == 0);
    }

    /**
     * Returns the kernel half of this policy, the values for {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL},
     * {@code TCP_KEEPCNT} and {@code TCP_USER_TIMEOUT}.
     *
     * <p>A default user timeout becomes {@code idle + probes × interval} of the kernel values, in ms, so that both
     * layers still agree. An explicit one is passed on.
     *
     * @param rounding what to do with a value the kernel cannot represent
     * @return the kernel values
     * @throws IllegalArgumentException with {@link KernelRounding#REJECT}, if a value is not a whole number of
     *         the unit the kernel takes; the message names the setting, the value and the unit
     */
    public KernelKeepAlive toKernel(KernelRounding rounding) {
        Objects.requireNonNull(rounding, "rounding");
        int idleSeconds = kernelSeconds("idle", "TCP_KEEPIDLE", idleNanos, rounding);
        int intervalSeconds = kernelSeconds("interval", "TCP_KEEPINTVL", intervalNanos, rounding);
        long userTimeoutMillis;
        if (userTimeoutDefault) {
            userTimeoutMillis = (idleSeconds + (long) probes * intervalSeconds) * 1000L;
        } else if (userTimeoutNanos % NANOS_PER_MILLI == 0 || rounding == KernelRounding.ROUND_UP) {
            userTimeoutMillis = Limits.ceilDiv(userTimeoutNanos, NANOS_PER_MILLI);
        } else {
            throw new IllegalArgumentException("userTimeout = " + Limits.formatNanos(userTimeoutNanos)
                    + " cannot be applied to the kernel: TCP_USER_TIMEOUT takes whole milliseconds"
                    + " (0 .. 2147483647 ms); use whole milliseconds or KernelRounding.ROUND_UP (-> "
                    + Limits.ceilDiv(userTimeoutNanos, NANOS_PER_MILLI) + " ms)");
        }
        if (userTimeoutMillis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("userTimeout = " + userTimeoutMillis
                    + " ms after rounding is out of range: allowed 0 .. 2147483647 ms (TCP_USER_TIMEOUT)");
        }
        return new KernelKeepAlive(idleSeconds, intervalSeconds, probes, (int) userTimeoutMillis);
    }

    private static int kernelSeconds(String name, String option, long nanos, KernelRounding rounding) {
        if (nanos % NANOS_PER_SECOND == 0) {
            return (int) (nanos / NANOS_PER_SECOND);
        }
        long up = Limits.ceilDiv(nanos, NANOS_PER_SECOND);
        if (rounding == KernelRounding.ROUND_UP) {
            return (int) up;
        }
        throw new IllegalArgumentException(name + " = " + Limits.formatNanos(nanos)
                + " cannot be applied to the kernel: " + option + " takes whole seconds (1 .. 32767 s);"
                + " use whole seconds or KernelRounding.ROUND_UP (-> " + up + " s)");
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof KeepAlivePolicy)) {
            return false;
        }
        KeepAlivePolicy other = (KeepAlivePolicy) o;
        return idleNanos == other.idleNanos
                && intervalNanos == other.intervalNanos
                && probes == other.probes
                && userTimeoutNanos == other.userTimeoutNanos
                && userTimeoutDefault == other.userTimeoutDefault
                && proofOfLife == other.proofOfLife;
    }

    @Override
    public int hashCode() {
        return Objects.hash(idleNanos, intervalNanos, probes, userTimeoutNanos, userTimeoutDefault, proofOfLife);
    }

    @Override
    public String toString() {
        return "KeepAlivePolicy(idle " + Limits.formatNanos(idleNanos)
                + ", interval " + Limits.formatNanos(intervalNanos)
                + ", probes " + probes
                + ", userTimeout " + (userTimeoutNanos == 0 ? "off" : Limits.formatNanos(userTimeoutNanos))
                + (userTimeoutDefault ? " (default)" : "")
                + ", proofOfLife " + proofOfLife
                + "; silent peer dead after " + Limits.formatNanos(
                        Limits.silentPeerVerdict(idleNanos, intervalNanos, probes, userTimeoutNanos))
                + ")";
    }

    /**
     * Builds a {@link KeepAlivePolicy}. Each setter checks its own value and throws
     * {@link IllegalArgumentException} naming the setting, the value, the allowed range and the unit, leaving the
     * builder unchanged; {@link #build()} checks the rules that join several values.
     *
     * <p><b>Thread safety:</b> not thread-safe; use one builder from one thread.
     *
     * @since 0.1
     */
    public static final class Builder {
        private long idleNanos = DEFAULT_IDLE_SECONDS * NANOS_PER_SECOND;
        private long intervalNanos = DEFAULT_INTERVAL_SECONDS * NANOS_PER_SECOND;
        private int probes = DEFAULT_PROBES;
        private @Nullable Long userTimeoutNanos;
        private ProofOfLife proofOfLife = ProofOfLife.ANY_MESSAGE;

        private Builder() {
        }

        /**
         * Sets how long the peer may be silent before the first probe.
         *
         * @param idle 1 ms .. 32767 s
         * @return this builder
         */
        public Builder idle(Duration idle) {
            idleNanos = Limits.checkDuration("idle", idle, MIN_DURATION, MAX_IDLE_OR_INTERVAL);
            return this;
        }

        /**
         * Sets the time between probes.
         *
         * @param interval 1 ms .. 32767 s
         * @return this builder
         */
        public Builder interval(Duration interval) {
            intervalNanos = Limits.checkDuration("interval", interval, MIN_DURATION, MAX_IDLE_OR_INTERVAL);
            return this;
        }

        /**
         * Sets how many unanswered probes make the verdict (when no user timeout is set).
         *
         * @param probes 1 .. 127
         * @return this builder
         */
        public Builder probes(int probes) {
            Limits.checkRange("probes", probes, 1, MAX_PROBES, "probes");
            this.probes = probes;
            return this;
        }

        /**
         * Sets the user timeout explicitly. Zero disables it: the verdict then follows the probe count alone and
         * a stalled write is never a verdict (like the kernel without {@code TCP_USER_TIMEOUT}).
         *
         * @param userTimeout 0, or 1 ms .. 2147483647 ms
         * @return this builder
         */
        public Builder userTimeout(Duration userTimeout) {
            Objects.requireNonNull(userTimeout, "userTimeout");
            userTimeoutNanos = userTimeout.isZero()
                    ? 0L : Limits.checkDuration("userTimeout", userTimeout, MIN_DURATION, MAX_USER_TIMEOUT);
            return this;
        }

        /**
         * Goes back to the default user timeout, {@code idle + probes × interval}.
         *
         * @return this builder
         */
        public Builder defaultUserTimeout() {
            userTimeoutNanos = null;
            return this;
        }

        /**
         * Sets which inbound traffic proves the peer alive.
         *
         * @param proofOfLife the rule; default {@link ProofOfLife#ANY_MESSAGE}
         * @return this builder
         */
        public Builder proofOfLife(ProofOfLife proofOfLife) {
            this.proofOfLife = Objects.requireNonNull(proofOfLife, "proofOfLife");
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         * @throws IllegalArgumentException if the default user timeout, {@code idle + probes × interval}, exceeds
         *         2147483647 ms; the message names the three values
         */
        public KeepAlivePolicy build() {
            long userTimeout;
            if (userTimeoutNanos == null) {
                userTimeout = idleNanos + probes * intervalNanos;
                if (userTimeout > MAX_USER_TIMEOUT.toNanos()) {
                    throw new IllegalArgumentException("userTimeout (default: idle + probes × interval = "
                            + Limits.formatNanos(idleNanos) + " + " + probes + " × " + Limits.formatNanos(intervalNanos)
                            + " = " + Limits.formatNanos(userTimeout) + ") is out of range: allowed 1 ms .. "
                            + Integer.MAX_VALUE + " ms; set userTimeout explicitly or shorten idle, interval or probes");
                }
            } else {
                userTimeout = userTimeoutNanos;
            }
            return new KeepAlivePolicy(this, userTimeout);
        }
    }
}
