package io.vigil.core.policy;

import static io.vigil.core.policy.KernelTimerWheel.fireJiffy;
import static io.vigil.core.policy.KernelTimerWheel.granularity;
import static io.vigil.core.policy.KernelTimerWheel.level;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * When the Linux kernel really probes a silent peer and gives up, for one set of kernel keepalive options: the
 * nominal grid {@code idle + k × interval} as the kernel's timer wheel and jiffies clock bend it.
 *
 * <p><b>The model</b> (net/ipv4/tcp_timer.c {@code tcp_keepalive_timer}, kernel/time/timer.c
 * {@code calc_wheel_index}), in jiffies, last inbound segment at jiffy {@code R}:
 * <pre>
 *   first probe    F0 = fire(E, a) &gt;= R + idle       the timer's last arming: for E &lt;= R + idle (R + idle when
 *                                                    re-armed lazily), a = 0 .. idle jiffies ahead of the clock
 *   next expiries  F(k+1) = fire(F(k) + interval, interval - 1)     (re-armed inside the timer callback,
 *                                                                    where the wheel clock is jiffies + 1)
 *   fire(e, d)     = ((e &gt;&gt; 3n) + 1) &lt;&lt; 3n,  n = wheel level of a timer d jiffies ahead (63, 504, 4032, ...)
 *   from k = 1 on  F(k+1) - F(k) = S = g × (⌊interval / g⌋ + 1),  g = 8^level(interval - 1)
 *   verdict        without user timeout: at expiry {@code probes};
 *                  with one: at the first k &gt;= 1 with F(k) - R &gt;= msecs_to_jiffies(userTimeout)
 * </pre>
 * So the k-th expiry ({@code k >= 1}) comes {@code idle + interval + c + (k - 1) × S} jiffies after {@code R}, where
 * the lateness {@code c} depends on the jiffies phase of {@code R} and on {@code a}; over every phase and every
 * {@code a} it spans one contiguous range {@code [cMin, cMax]} (computed here). The first probe comes
 * {@code idle .. idle + g0} jiffies after {@code R}, {@code g0} the granularity of the level of a timer armed a
 * whole idle ahead. At HZ 250 the granularities are 4 ms, 32 ms, 256 ms, 2.048 s, 16.4 s for timers under 252 ms,
 * 2.016 s, 16.1 s, 129 s, 17.2 min ahead.
 *
 * <p>An expiry {@code n} jiffies after {@code R} happens {@code ((n - 1) / HZ, n / HZ]} seconds after the segment
 * itself (the segment arrived somewhere within jiffy {@code R}): the bounds here in nanoseconds include that.
 * Not modelled: the timer softirq's own latency (microseconds on an idle machine), a socket locked by the
 * application at that jiffy (the kernel retries after {@code HZ/20}), a probe the local qdisc dropped (retried after
 * 500 ms, uncounted), and keepalive switched on after the last segment (counts from then instead).
 *
 * <pre>{@code
 * KernelSchedule s = KernelSchedule.of(new KernelKeepAlive(30, 10, 3, 60_000), KernelHz.detect());
 * s.verdictLatest();   // 62.768 s at HZ 250: the kernel's worst case, not the nominal 60 s
 * }</pre>
 *
 * <p><b>Thread safety, cost:</b> immutable, built in O(wheel levels) without allocation beyond itself; every query
 * is O(1) and allocation-free (the {@link Duration} accessors excepted).
 *
 * @since 0.1
 */
public final class KernelSchedule {

    private final KernelKeepAlive kernel;
    private final KernelHz hz;
    private final long idle;
    private final long interval;
    private final long userTimeout;
    private final long firstGranularity;
    private final long intervalGranularity;
    private final long spacing;
    private final long lateMin;
    private final long lateMax;
    private final long verdictMin;
    private final long verdictMax;
    private final long probesMin;
    private final long probesMax;

    private KernelSchedule(KernelKeepAlive kernel, KernelHz hz) {
        this.kernel = kernel;
        this.hz = hz;
        int h = hz.hz();
        idle = kernel.idleSeconds() * (long) h;
        interval = kernel.intervalSeconds() * (long) h;
        userTimeout = kernel.userTimeoutMillis() == 0 ? 0 : KernelTimerWheel.msecsToJiffies(
                kernel.userTimeoutMillis(), h);
        int idleLevel = level(idle, h);
        firstGranularity = granularity(idleLevel);
        intervalGranularity = granularity(level(interval - 1, h));
        spacing = intervalGranularity * (interval / intervalGranularity + 1);
        long cMin = Long.MAX_VALUE;
        long cMax = Long.MIN_VALUE;
        for (int a = 0; a <= idleLevel; a++) {
            long g = granularity(a);
            long r = interval % g;
            // The first probe fires 0 .. g jiffies after R + idle, on a multiple of g; exactly at R + idle only from
            // a timer armed before the last segment for a little earlier, hence at least idle - g - 1 ahead.
            long firstMin = a == idleLevel || idle <= KernelTimerWheel.levelStart(a + 1) + g ? 0 : 1;
            long lo = firstMin + (g >= intervalGranularity ? spacing - interval : g - r);
            long hi = g >= intervalGranularity ? spacing - interval + g : intervalGranularity + g - r;
            cMin = Math.min(cMin, lo);
            cMax = Math.max(cMax, hi);
        }
        lateMin = cMin;
        lateMax = cMax;
        if (userTimeout == 0) {
            int probes = kernel.probes();
            verdictMin = expiryBase(probes) + cMin;
            verdictMax = expiryBase(probes) + cMax;
            probesMin = probes;
            probesMax = probes;
        } else {
            long atMin = verdictAt(cMin);
            long atMax = verdictAt(cMax);
            long vMin = Math.min(atMin, atMax);
            long vMax = Math.max(atMin, atMax);
            // Between cMin and cMax the verdict drops by S wherever an expiry crosses the user timeout: there it
            // lands on the user timeout exactly, and just before it one spacing later (less a jiffy).
            long lowNeed = userTimeout - idle - interval - cMax;
            long highNeed = userTimeout - idle - interval - cMin;
            // j = k - 1 for the k-th expiry, k >= 1: the first expiry (j = 0) can cross the user timeout too.
            long j = Math.max(0, Limits.ceilDiv(lowNeed, spacing));
            if (j * spacing < highNeed) {
                vMin = Math.min(vMin, userTimeout);
                vMax = Math.max(vMax, userTimeout - 1 + spacing);
            }
            verdictMin = vMin;
            verdictMax = vMax;
            probesMin = probesAt(cMax);
            probesMax = probesAt(cMin);
        }
    }

    /**
     * Returns the schedule of a set of kernel options.
     *
     * @param kernel the options as set on the socket
     * @param hz the kernel's tick rate
     * @return the schedule
     */
    public static KernelSchedule of(KernelKeepAlive kernel, KernelHz hz) {
        return new KernelSchedule(Objects.requireNonNull(kernel, "kernel"), Objects.requireNonNull(hz, "hz"));
    }

    /**
     * Returns the schedule of a policy's kernel half: {@link KeepAlivePolicy#kernelSchedule(KernelHz)}.
     *
     * @param policy the policy
     * @param hz the kernel's tick rate
     * @return the schedule
     */
    public static KernelSchedule of(KeepAlivePolicy policy, KernelHz hz) {
        return Objects.requireNonNull(policy, "policy").kernelSchedule(hz);
    }

    /** {@code idle + interval + (k - 1) × S}: the k-th expiry, k >= 1, before its lateness c. */
    private long expiryBase(long k) {
        return idle + interval + (k - 1) * spacing;
    }

    /** The expiry index of the verdict with a user timeout, for lateness c. */
    private long probesAt(long c) {
        long need = userTimeout - expiryBase(1) - c;
        return need <= 0 ? 1 : 1 + Limits.ceilDiv(need, spacing);
    }

    private long verdictAt(long c) {
        return expiryBase(probesAt(c)) + c;
    }

    /**
     * Returns the options this schedule is for.
     *
     * @return the kernel options
     */
    public KernelKeepAlive kernel() {
        return kernel;
    }

    /**
     * Returns the tick rate this schedule is for.
     *
     * @return HZ
     */
    public KernelHz hz() {
        return hz;
    }

    /**
     * Returns the fewest probes the kernel sends a silent peer before giving up, over every jiffies phase: the
     * probe count without a user timeout; with one, it can depend on the phase when the user timeout is off the
     * kernel's real grid.
     *
     * @return probes, {@code >= 1}
     */
    public long probesMin() {
        return probesMin;
    }

    /**
     * Returns the most probes the kernel sends a silent peer before giving up, over every jiffies phase.
     *
     * @return probes, {@code >= probesMin()}
     */
    public long probesMax() {
        return probesMax;
    }

    /**
     * Returns the earliest the k-th probe can go out, after the last inbound segment.
     *
     * @param k 0 for the first probe .. {@link #probesMax()} − 1
     * @return nanoseconds, exclusive lower bound
     * @throws IllegalArgumentException if k is out of range
     */
    public long probeEarliestNanos(long k) {
        return earliestNanos(probeMinJiffies(k));
    }

    /**
     * Returns the latest the k-th probe can go out, after the last inbound segment.
     *
     * @param k 0 for the first probe .. {@link #probesMax()} − 1
     * @return nanoseconds
     * @throws IllegalArgumentException if k is out of range
     */
    public long probeLatestNanos(long k) {
        return latestNanos(probeMaxJiffies(k));
    }

    /**
     * Returns the fewest jiffies between the last inbound segment's jiffy and the k-th probe's.
     *
     * @param k 0 for the first probe .. {@link #probesMax()} − 1
     * @return jiffies
     * @throws IllegalArgumentException if k is out of range
     */
    public long probeMinJiffies(long k) {
        checkProbe(k);
        return k == 0 ? idle : expiryBase(k) + lateMin;
    }

    /**
     * Returns the most jiffies between the last inbound segment's jiffy and the k-th probe's.
     *
     * @param k 0 for the first probe .. {@link #probesMax()} − 1
     * @return jiffies
     * @throws IllegalArgumentException if k is out of range
     */
    public long probeMaxJiffies(long k) {
        checkProbe(k);
        return k == 0 ? idle + firstGranularity : expiryBase(k) + lateMax;
    }

    private void checkProbe(long k) {
        if (k < 0 || k >= probesMax) {
            throw new IllegalArgumentException("k = " + k + " is out of range: allowed 0 .. " + (probesMax - 1)
                    + " (the probes sent to a silent peer)");
        }
    }

    /**
     * Returns the earliest the kernel can give up on a silent peer (RST, {@code ETIMEDOUT}), after the last inbound
     * segment, over every jiffies phase.
     *
     * @return nanoseconds, exclusive lower bound
     */
    public long verdictEarliestNanos() {
        return earliestNanos(verdictMin);
    }

    /**
     * Returns the latest the kernel can give up on a silent peer, after the last inbound segment, over every
     * jiffies phase: the kernel's worst case.
     *
     * @return nanoseconds
     */
    public long verdictLatestNanos() {
        return latestNanos(verdictMax);
    }

    /**
     * Returns {@link #verdictEarliestNanos()}.
     *
     * @return the earliest verdict
     */
    public Duration verdictEarliest() {
        return Duration.ofNanos(verdictEarliestNanos());
    }

    /**
     * Returns {@link #verdictLatestNanos()}.
     *
     * @return the latest verdict
     */
    public Duration verdictLatest() {
        return Duration.ofNanos(verdictLatestNanos());
    }

    /**
     * Returns the fewest jiffies between the last inbound segment's jiffy and the verdict's.
     *
     * @return jiffies
     */
    public long verdictMinJiffies() {
        return verdictMin;
    }

    /**
     * Returns the most jiffies between the last inbound segment's jiffy and the verdict's.
     *
     * @return jiffies
     */
    public long verdictMaxJiffies() {
        return verdictMax;
    }

    /**
     * Returns the nominal verdict, {@link KernelKeepAlive#silentPeerVerdictMillis()}, for comparison.
     *
     * @return nanoseconds
     */
    public long nominalVerdictNanos() {
        return kernel.silentPeerVerdictMillis() * Limits.NANOS_PER_MILLI;
    }

    /**
     * Returns the steady spacing of the kernel's probes from the second expiry on: {@code S = g × (⌊interval / g⌋
     * + 1)} jiffies, {@code g} the granularity of the interval's wheel level (1.024 s for a 1 s interval at HZ 250).
     *
     * @return nanoseconds
     */
    public long probeSpacingNanos() {
        return hz.toNanos(spacing);
    }

    /**
     * Returns the granularity of the wheel level that schedules a first probe armed a whole idle ahead: how late,
     * at most, the first probe comes.
     *
     * @return nanoseconds
     */
    public long firstProbeGranularityNanos() {
        return hz.toNanos(firstGranularity);
    }

    /**
     * Returns the user timeout as the kernel compares it: {@code msecs_to_jiffies(TCP_USER_TIMEOUT)}.
     *
     * @return jiffies, 0 if off
     */
    public long userTimeoutJiffies() {
        return userTimeout;
    }

    /**
     * Returns the k-th expiry of the keepalive timer for a known jiffies phase and arming, exactly as the kernel
     * computes it.
     *
     * @param k the expiry: 0 sends the first probe; the verdict comes at expiry
     *        {@link #verdictExpiry(long, long, long)}
     * @param lastRxJiffy the jiffies value when the last inbound segment was processed ({@code rcv_tstamp}); only
     *        its phase matters
     * @param armedFor the expiry the timer was last armed for before the first probe, in absolute jiffies:
     *        {@code lastRxJiffy + idle} for a lazy re-arm, {@code C + idle} for a timer armed at connection time
     *        {@code C} (then {@code C <= lastRxJiffy})
     * @param armedAhead how far ahead of the wheel clock it was armed, in jiffies: {@code idle} at connection,
     *        {@code t - 1} for a re-arm of {@code t} jiffies inside the timer callback (the wheel clock runs one
     *        jiffy ahead there); 0 .. idle
     * @return jiffies after {@code lastRxJiffy}
     * @throws IllegalArgumentException if k is negative, armedAhead out of range, or that arming could not have
     *         sent the first probe (it fires before {@code lastRxJiffy + idle}, or was armed for later)
     */
    public long expiryJiffies(long k, long lastRxJiffy, long armedFor, long armedAhead) {
        if (k < 0) {
            throw new IllegalArgumentException("k = " + k + " is out of range: allowed >= 0 (timer expiries)");
        }
        long first = firstProbeJiffy(lastRxJiffy, armedFor, armedAhead);
        if (k == 0) {
            return first - lastRxJiffy;
        }
        long second = fireJiffy(first + interval, interval - 1, hz.hz());
        return second - lastRxJiffy + (k - 1) * spacing;
    }

    private long firstProbeJiffy(long lastRxJiffy, long armedFor, long armedAhead) {
        Limits.checkRange("armedAhead", armedAhead, 0, idle, "jiffies");
        long due = lastRxJiffy + idle;
        long first = fireJiffy(armedFor, armedAhead, hz.hz());
        if (armedFor > due || first < due) {
            throw new IllegalArgumentException("armedFor = lastRx + " + (armedFor - lastRxJiffy) + " jiffies fires at "
                    + "lastRx + " + (first - lastRxJiffy) + " jiffies: not the first probe (that needs armedFor <= "
                    + "lastRx + idle <= its fire jiffy, idle = " + idle + " jiffies)");
        }
        return first;
    }

    /**
     * Returns the expiry at which the kernel gives up, for a known jiffies phase and arming: {@code probes}
     * without a user timeout, otherwise the first {@code k >= 1} whose
     * {@link #expiryJiffies(long, long, long, long) expiry} is at least the user timeout. It is also the number of
     * probes sent.
     *
     * @param lastRxJiffy as for {@link #expiryJiffies(long, long, long, long)}
     * @param armedFor as for {@link #expiryJiffies(long, long, long, long)}
     * @param armedAhead as for {@link #expiryJiffies(long, long, long, long)}
     * @return the expiry index, {@code >= 1}
     */
    public long verdictExpiry(long lastRxJiffy, long armedFor, long armedAhead) {
        if (userTimeout == 0) {
            return kernel.probes();
        }
        long need = userTimeout - expiryJiffies(1, lastRxJiffy, armedFor, armedAhead);
        return need <= 0 ? 1 : 1 + Limits.ceilDiv(need, spacing);
    }

    /**
     * Returns the k-th expiry for a known jiffies phase and the common history: keepalive armed a whole idle
     * ahead at jiffy {@code armedAtJiffy} outside the timer softirq (at connection establishment, which is also a
     * segment received, or when {@code SO_KEEPALIVE} was switched on), then no arming until the last segment at
     * {@code lastRxJiffy}. If that timer fires before {@code lastRx + idle}, the kernel re-arms it lazily for the
     * rest; either way, exactly as {@link #expiryJiffies(long, long, long, long)}.
     *
     * @param k the expiry: 0 sends the first probe
     * @param lastRxJiffy the jiffies value when the last inbound segment was processed
     * @param armedAtJiffy the jiffies value when the timer was armed, {@code lastRxJiffy - idle .. lastRxJiffy}
     * @return jiffies after {@code lastRxJiffy}
     * @throws IllegalArgumentException if k is negative or the arming is out of range
     */
    public long expiryJiffiesArmedAt(long k, long lastRxJiffy, long armedAtJiffy) {
        long lazy = lazyAhead(lastRxJiffy, armedAtJiffy);
        return lazy < 0 ? expiryJiffies(k, lastRxJiffy, armedAtJiffy + idle, idle)
                : expiryJiffies(k, lastRxJiffy, lastRxJiffy + idle, lazy);
    }

    /**
     * Returns the expiry at which the kernel gives up, and the number of probes it sends, for the history of
     * {@link #expiryJiffiesArmedAt(long, long, long)}.
     *
     * @param lastRxJiffy as for {@link #expiryJiffiesArmedAt(long, long, long)}
     * @param armedAtJiffy as for {@link #expiryJiffiesArmedAt(long, long, long)}
     * @return the expiry index, {@code >= 1}
     */
    public long verdictExpiryArmedAt(long lastRxJiffy, long armedAtJiffy) {
        long lazy = lazyAhead(lastRxJiffy, armedAtJiffy);
        return lazy < 0 ? verdictExpiry(lastRxJiffy, armedAtJiffy + idle, idle)
                : verdictExpiry(lastRxJiffy, lastRxJiffy + idle, lazy);
    }

    /** How far ahead the lazy re-arm goes (callback: the wheel clock is one jiffy ahead), or -1 if none. */
    private long lazyAhead(long lastRxJiffy, long armedAtJiffy) {
        Limits.checkRange("lastRx - armedAt", lastRxJiffy - armedAtJiffy, 0, idle, "jiffies");
        long fired = fireJiffy(armedAtJiffy + idle, idle, hz.hz());
        long due = lastRxJiffy + idle;
        return fired >= due ? -1 : due - fired - 1;
    }

    private long earliestNanos(long jiffies) {
        return hz.toNanos(jiffies - 1);
    }

    private long latestNanos(long jiffies) {
        return hz.toNanosCeil(jiffies);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof KernelSchedule && ((KernelSchedule) o).kernel.equals(kernel)
                && ((KernelSchedule) o).hz.equals(hz);
    }

    @Override
    public int hashCode() {
        return kernel.hashCode() * 31 + hz.hashCode();
    }

    @Override
    public String toString() {
        return "KernelSchedule(" + kernel + " at HZ " + hz.hz() + ": probes every " + ms(probeSpacingNanos())
                + " ms, first up to " + ms(firstProbeGranularityNanos()) + " ms late; gives up after "
                + (probesMin == probesMax ? probesMin + "" : probesMin + " .. " + probesMax)
                + (probesMax == 1 ? " probe, " : " probes, ")
                + ms(verdictEarliestNanos()) + " .. " + ms(verdictLatestNanos()) + " ms after the last segment"
                + " (nominal " + kernel.silentPeerVerdictMillis() + " ms))";
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
