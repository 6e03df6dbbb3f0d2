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
 * ({@code idle + probes × interval}) both rules agree. Both layers tick where the kernel's timer wheel fires, so a
 * silent peer is declared dead a little after the nominal {@link #silentPeerVerdict()}: within
 * {@link #kernelSchedule(KernelHz) kernelSchedule(hz)}{@code .verdictEarliest() .. verdictLatest()} after its last
 * message (5.052 – 5.104 s for 2 s / 1 s / 3 probes at HZ 250).
 *
 * <pre>{@code
 * KeepAlivePolicy policy = KeepAlivePolicy.builder()
 *         .idle(Duration.ofSeconds(30))
 *         .interval(Duration.ofSeconds(10))
 *         .probes(3)
 *         .build();              // nominally dead after 60 s; the kernel's verdict: up to 62.77 s at HZ 250
 * KeepAlivePolicy planned = KeepAlivePolicy.deadWithin(Duration.ofSeconds(60)); // 27 s / 10 s: within 60 s
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
     * Plans a whole policy from one budget, "declare a silent peer dead within {@code budget}", for this machine's
     * kernel: {@link #deadWithin(Duration, KernelHz) deadWithin(budget, KernelHz.detect())}.
     *
     * @param budget the longest a silent peer may stay undetected, 6 ms .. 18 h
     * @return a policy whose kernel verdict, worst case, and {@link #silentPeerVerdict()} are at most
     *         {@code budget} (see {@link #deadWithin(Duration, KernelHz)} for short budgets)
     * @throws IllegalArgumentException if the budget is out of range, naming value, range and unit
     */
    public static KeepAlivePolicy deadWithin(Duration budget) {
        return deadWithin(budget, KernelHz.detect());
    }

    /**
     * Plans a whole policy from one budget, "declare a silent peer dead within {@code budget}", such that the
     * kernel's <em>real</em> verdict lands within it, for a kernel ticking at {@code hz}.
     *
     * <p>The plan sends {@value #PLANNED_PROBES} probes with the default user timeout, in whole seconds:
     * <pre>
     *   interval    = ⌊budget / 6⌋ s   (at least 1 s)
     *   idle        = the largest whole second with kernelSchedule(hz).verdictLatest() &lt;= budget
     *   userTimeout = idle + 3 × interval          (the default)
     * </pre>
     * The kernel probes late (its timer wheel rounds each expiry up, by up to 2 s for a 30 s idle at HZ 250;
     * see {@link KernelSchedule}), so idle comes out somewhat under half the budget: 60 s plans idle 27 s / interval
     * 10 s, whose kernel verdict comes 57.48 .. 59.77 s after the last segment at HZ 250 (30 s: 14 s / 5 s, 29.24 ..
     * 29.62 s; 300 s: 130 s / 50 s, 282.40 .. 299.98 s). How close a plan lands is
     * {@code planned.kernelSchedule(hz).verdictLatest()}; {@link #silentPeerVerdict()}, the nominal
     * {@code idle + 3 × interval}, is earlier still.
     *
     * <p>Below the shortest whole-second plan that fits (1 s / 1 s / 3 probes, whose kernel verdict can come
     * 4.104 s after the last segment at HZ 250), no kernel policy can keep the budget: the plan then keeps
     * nanosecond precision for the userspace layer alone ({@code interval = budget / 6}, {@code idle = budget -
     * 3 × interval}, not {@linkplain #isKernelRepresentable() kernel-representable}), and its
     * {@link #silentPeerVerdict()} is the budget less the remainder of the division by 6.
     *
     * @param budget the longest a silent peer may stay undetected, 6 ms .. 18 h
     * @param hz the kernel's tick rate
     * @return the plan
     * @throws IllegalArgumentException if the budget is out of range, naming value, range and unit
     */
    public static KeepAlivePolicy deadWithin(Duration budget, KernelHz hz) {
        long total = Limits.checkDuration("budget", budget, MIN_BUDGET, MAX_BUDGET);
        Objects.requireNonNull(hz, "hz");
        KeepAlivePolicy whole = planWholeSeconds(total, hz);
        if (whole != null) {
            return whole;
        }
        long interval = total / (2L * PLANNED_PROBES);
        long idle = total - PLANNED_PROBES * interval;
        return builder()
                .idle(Duration.ofNanos(idle))
                .interval(Duration.ofNanos(interval))
                .probes(PLANNED_PROBES)
                .build();
    }

    /** The whole-second plan whose kernel worst case fits the budget, or null if none does. */
    private static @Nullable KeepAlivePolicy planWholeSeconds(long budgetNanos, KernelHz hz) {
        long seconds = budgetNanos / NANOS_PER_SECOND;
        for (long interval = Math.max(1, seconds / (2L * PLANNED_PROBES)); interval >= 1; interval--) {
            // The kernel's worst case grows with idle (a later verdict, a coarser wheel level): bisect.
            long low = 0;
            long high = Math.min(Limits.MAX_KERNEL_SECONDS, seconds - PLANNED_PROBES * interval) + 1;
            while (high - low > 1) {
                long idle = (low + high) >>> 1;
                if (kernelWorstCase(idle, interval, hz) <= budgetNanos) {
                    low = idle;
                } else {
                    high = idle;
                }
            }
            if (low >= 1) {
                return builder()
                        .idle(Duration.ofSeconds(low))
                        .interval(Duration.ofSeconds(interval))
                        .probes(PLANNED_PROBES)
                        .build();
            }
        }
        return null;
    }

    private static long kernelWorstCase(long idle, long interval, KernelHz hz) {
        KernelKeepAlive k = new KernelKeepAlive((int) idle, (int) interval, PLANNED_PROBES,
                (int) ((idle + PLANNED_PROBES * interval) * 1000));
        return KernelSchedule.of(k, hz).verdictLatestNanos();
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
     * Returns the nominal verdict for a silent peer, measured from its last inbound message: {@code idle + probes ×
     * interval} without a user timeout, otherwise the first {@code idle + k × interval}, {@code k >= 1}, at or after
     * the user timeout. Neither layer gives up exactly there: the kernel's timer expiries are late (the wheel rounds
     * them up) and, for a user timeout just past a grid point, the kernel gives up one expiry earlier; the userspace
     * layer follows the kernel (see the {@linkplain io.vigil.core.machine machine's timing rules}). When both
     * really give up is {@link #kernelSchedule(KernelHz) kernelSchedule(hz)}{@code .verdictEarliest()} ..
     * {@code verdictLatest()} over every jiffies phase, and {@link KernelSchedule#expiryJiffiesArmedAt} for a known
     * one; {@link #requireUserTimeoutOnKernelGrid(KernelHz)} refuses an off-grid user timeout.
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
     * Returns when the kernel really probes and gives up with this policy on a socket, for a kernel ticking at
     * {@code hz}: the {@link KernelSchedule} of {@link #toKernel(KernelRounding) toKernel(ROUND_UP)} (for a
     * kernel-representable policy, exactly its values). Unlike the nominal {@link #silentPeerVerdict()}, this
     * includes the kernel's late timer expiries, which the userspace layer follows too.
     *
     * @param hz the kernel's tick rate
     * @return the kernel's schedule
     */
    public KernelSchedule kernelSchedule(KernelHz hz) {
        return KernelSchedule.of(toKernel(KernelRounding.ROUND_UP), hz);
    }

    /**
     * Returns {@link #kernelSchedule(KernelHz) kernelSchedule(KernelHz.detect())}.
     *
     * @return the kernel's schedule on this machine
     */
    public KernelSchedule kernelSchedule() {
        return kernelSchedule(KernelHz.detect());
    }

    /**
     * Checks that an explicit user timeout is on the kernel's real probe grid: that the kernel gives up at the
     * probe expiry the nominal formula names ({@link #silentPeerProbes()}) whatever the jiffies phase. A user
     * timeout just past {@code idle + k × interval} is not: the kernel compares it with the real, late expiry
     * times, and gives up one expiry earlier than the formula for some or all phases.
     *
     * @param hz the kernel's tick rate
     * @return this policy, if on the grid
     * @throws IllegalArgumentException if not, saying where the kernel really gives up, the nominal time, and the
     *         grid values to use instead (or {@link #snapUserTimeoutToKernelGrid(KernelHz)})
     */
    public KeepAlivePolicy requireUserTimeoutOnKernelGrid(KernelHz hz) {
        KernelSchedule s = kernelSchedule(hz);
        if (onGrid(s)) {
            return this;
        }
        long k = silentPeerProbes();
        throw new IllegalArgumentException("userTimeout = " + Limits.formatNanos(userTimeoutNanos)
                + " is off the kernel's probe grid (idle " + Limits.formatNanos(idleNanos) + ", interval "
                + Limits.formatNanos(intervalNanos) + ", HZ " + hz.hz() + "): " + where(s) + ", not after " + k
                + " probes at " + Limits.formatNanos(silentPeerVerdict().toNanos()) + " as idle + k × interval says;"
                + " use userTimeout " + Limits.formatNanos(idleNanos + (k - 1) * intervalNanos) + " or "
                + Limits.formatNanos(idleNanos + k * intervalNanos) + ", or snapUserTimeoutToKernelGrid(hz)");
    }

    /**
     * Returns this policy with an off-grid user timeout moved down to the grid value below it,
     * {@code idle + (k − 1) × interval}, where the kernel already gives up for some jiffies phases: the verdict then
     * comes at the same expiry on both layers and never later than the timeout asked for. A policy already on the
     * grid ({@link #requireUserTimeoutOnKernelGrid(KernelHz)} passes) is returned as it is.
     *
     * @param hz the kernel's tick rate
     * @return a policy on the kernel's grid
     * @throws IllegalArgumentException if no grid value fixes the expiry: where the kernel's expiries come later
     *         than a whole interval (a long idle on a coarse wheel level with a short interval); the message says
     *         where the kernel gives up
     */
    public KeepAlivePolicy snapUserTimeoutToKernelGrid(KernelHz hz) {
        KernelSchedule s = kernelSchedule(hz);
        if (onGrid(s)) {
            return this;
        }
        long k = silentPeerProbes();
        KeepAlivePolicy snapped = toBuilder()
                .userTimeout(Duration.ofNanos(idleNanos + Math.max(1, k - 1) * intervalNanos)).build();
        KernelSchedule t = snapped.kernelSchedule(hz);
        if (!snapped.onGrid(t)) {
            throw new IllegalArgumentException("userTimeout = " + Limits.formatNanos(userTimeoutNanos)
                    + " cannot be snapped to the kernel's probe grid (idle " + Limits.formatNanos(idleNanos)
                    + ", interval " + Limits.formatNanos(intervalNanos) + ", HZ " + hz.hz() + "): the kernel's"
                    + " expiries come more than an interval late, so even at " + Limits.formatNanos(
                            snapped.userTimeoutNanos) + " " + where(t) + "; shorten idle or lengthen interval");
        }
        return snapped;
    }

    private boolean onGrid(KernelSchedule s) {
        long k = silentPeerProbes();
        return s.probesMin() == k && s.probesMax() == k;
    }

    private static String where(KernelSchedule s) {
        String probes = s.probesMin() == s.probesMax() ? s.probesMin() + " probes"
                : s.probesMin() + " or " + s.probesMax() + " probes (depending on the jiffies phase)";
        return "the kernel gives up after " + probes + ", " + Limits.formatMillis(s.verdictEarliestNanos())
                + " .. " + Limits.formatMillis(s.verdictLatestNanos()) + " after the last segment";
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
