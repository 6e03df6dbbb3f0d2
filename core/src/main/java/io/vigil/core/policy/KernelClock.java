package io.vigil.core.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The kernel's keepalive clock seen from a userspace clock: jiffies ({@code 1/HZ} s) as a function of a ticker's
 * nanoseconds, and the kernel timer wheel's rounding ({@code kernel/time/timer.c}). With it,
 * {@link io.vigil.core.machine.HealthStateMachine} schedules its probes and its verdict on the kernel's real grid:
 * at the jiffies where the kernel's own keepalive timer fires for the same policy and the same last arrival.
 *
 * <p>The mapping is {@code jiffy(t) = ⌊(t + origin) / TICK_NSEC⌋ + offset}, {@code TICK_NSEC = ⌊(10^9 + HZ/2) /
 * HZ⌋}: Linux aligns its tick to multiples of {@code TICK_NSEC} of {@code CLOCK_MONOTONIC} (which
 * {@link System#nanoTime()} reads), so only the whole-jiffy {@code offset} is unknown, and {@code origin} converts a
 * ticker that counts from its own start (Netty's system ticker: {@code Ticker.initialNanoTime()}) back to
 * {@code System.nanoTime()}. The offset matters because the wheel rounds <em>absolute</em> jiffies up to multiples of
 * its level's granularity (8, 64, 512 jiffies ...).
 *
 * <ul>
 *   <li><b>Phase known</b> ({@link #detect()} where {@code /proc/timer_list} is readable: root): the machine's
 *       expiries are the kernel's, to the jiffy.</li>
 *   <li><b>Phase unknown</b> (offset assumed 0): the machine still replays a history the kernel could have had, so
 *       its expiries stay within the kernel's bounds over every phase ({@link KernelSchedule}), never before
 *       {@link KernelSchedule#verdictEarliestNanos()}, but may differ from this kernel's by up to the granularity of
 *       the wheel level involved.</li>
 *   <li>{@link #NOMINAL}: no kernel grid at all, the nominal {@code idle + k × interval} in exact nanoseconds; for
 *       tests of the machine's rules and for userspace-only deployments that choose it explicitly.</li>
 * </ul>
 *
 * <p><b>Thread safety, cost:</b> immutable; every conversion is O(1) (the wheel level search is at most 9 steps)
 * and allocation-free. {@link #detect()} reads {@code /proc/timer_list} once per JVM.
 *
 * @since 0.1
 */
public final class KernelClock {

    /** No kernel grid: deadlines are the nominal {@code idle + k × interval} in exact nanoseconds. */
    public static final KernelClock NOMINAL = new KernelClock(null, 0, 0, false, "nominal grid (no kernel timer)");

    private static final Pattern NOW = Pattern.compile("now at (\\d+) nsecs");
    private static final Pattern JIFFIES = Pattern.compile("(?m)^jiffies: (\\d+)");
    private static final Pattern LAST_TICK = Pattern.compile("\\.last_tick\\s*: (\\d+) nsecs");
    private static volatile @Nullable KernelClock detected;

    private final @Nullable KernelHz hz;
    private final long tickNanos;
    private final long offset;
    private final long origin;
    private final boolean phaseKnown;
    private final String source;

    private KernelClock(@Nullable KernelHz hz, long offset, long origin, boolean phaseKnown, String source) {
        this.hz = hz;
        this.tickNanos = hz == null ? 1 : (Limits.NANOS_PER_SECOND + hz.hz() / 2) / hz.hz();
        this.offset = offset;
        this.origin = origin;
        this.phaseKnown = phaseKnown;
        this.source = source;
    }

    /**
     * Returns a clock with a known jiffies offset, for tests and for a caller that learned the phase itself.
     *
     * @param hz the kernel's tick rate
     * @param offset absolute jiffies at nanosecond 0 of the ticker (for {@code System.nanoTime()}:
     *        {@code jiffies − ⌊nanoTime / TICK_NSEC⌋})
     * @return the clock, with its phase known
     */
    public static KernelClock of(KernelHz hz, long offset) {
        return new KernelClock(Objects.requireNonNull(hz, "hz"), offset, 0, true,
                "HZ " + hz.hz() + ", jiffies offset " + offset + " given");
    }

    /**
     * Returns a clock whose jiffies phase is unknown (offset 0): expiries within the kernel's bounds over every
     * phase, not necessarily this kernel's.
     *
     * @param hz the kernel's tick rate
     * @return the clock
     */
    public static KernelClock phaseUnknown(KernelHz hz) {
        return new KernelClock(Objects.requireNonNull(hz, "hz"), 0, 0, false,
                "HZ " + hz.hz() + ", jiffies phase unknown");
    }

    /**
     * Returns this machine's clock for {@code System.nanoTime()}: {@link KernelHz#detect()}, and the jiffies offset
     * from {@code /proc/timer_list} where it is readable (root) and shows a tick aligned to {@code TICK_NSEC};
     * otherwise {@link #phaseUnknown(KernelHz)}. {@link #source()} says which. Once per JVM.
     *
     * @return the clock
     */
    public static KernelClock detect() {
        KernelClock c = detected;
        if (c == null) {
            KernelHz hz = KernelHz.detect();
            StringBuilder why = new StringBuilder();
            Long offset = timerListOffset(hz, Path.of("/proc/timer_list"), why);
            c = offset == null ? new KernelClock(hz, 0, 0, false, "HZ " + hz.hz() + " (" + hz.source()
                    + "), jiffies phase unknown: " + why)
                    : new KernelClock(hz, offset, 0, true, "HZ " + hz.hz() + " (" + hz.source()
                    + "), jiffies offset " + offset + " from /proc/timer_list");
            detected = c;
        }
        return c;
    }

    /** The most common offset over five reads of {@code /proc/timer_list} (a read can straddle a tick), or null. */
    static @Nullable Long timerListOffset(KernelHz hz, Path file, StringBuilder why) {
        long tick = (Limits.NANOS_PER_SECOND + hz.hz() / 2) / hz.hz();
        long best = 0;
        int bestVotes = 0;
        long[] offsets = new long[5];
        for (int i = 0; i < offsets.length; i++) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII);
            } catch (IOException | RuntimeException e) {
                why.append(file).append(" is not readable (root only): ").append(e.getClass().getSimpleName());
                return null;
            }
            Matcher now = NOW.matcher(text);
            Matcher jiffies = JIFFIES.matcher(text);
            Matcher lastTick = LAST_TICK.matcher(text);
            if (!now.find() || !jiffies.find() || !lastTick.find()) {
                why.append(file).append(" has no 'now at', 'jiffies:' or '.last_tick'");
                return null;
            }
            if (Long.parseLong(lastTick.group(1)) % tick != 0) {
                why.append("the tick is not aligned to TICK_NSEC = ").append(tick).append(" ns");
                return null;
            }
            offsets[i] = Long.parseLong(jiffies.group(1)) - Math.floorDiv(Long.parseLong(now.group(1)), tick);
            int votes = 0;
            for (int j = 0; j <= i; j++) {
                votes += offsets[j] == offsets[i] ? 1 : 0;
            }
            if (votes > bestVotes) {
                bestVotes = votes;
                best = offsets[i];
            }
        }
        return best;
    }

    /**
     * Returns this clock for a ticker that counts from its own origin: {@code ticker time + origin =
     * System.nanoTime()} (Netty: {@code Ticker.initialNanoTime()}; 0 for a mock ticker).
     *
     * @param originNanos the ticker's origin in the clock this one was made for, nanoseconds
     * @return a clock for that ticker (this one if the origin is unchanged)
     */
    public KernelClock forTickerOrigin(long originNanos) {
        return hz == null || originNanos == origin ? this
                : new KernelClock(hz, offset, originNanos, phaseKnown, source);
    }

    /**
     * Tells whether this is {@link #NOMINAL}, with no kernel grid.
     *
     * @return true for the nominal grid
     */
    public boolean isNominal() {
        return hz == null;
    }

    /**
     * Tells whether the jiffies phase is known, so that expiries are this kernel's to the jiffy.
     *
     * @return true when the offset was learned or given
     */
    public boolean phaseKnown() {
        return phaseKnown;
    }

    /**
     * Returns the kernel's tick rate.
     *
     * @return HZ; 0 for {@link #NOMINAL}
     */
    public int hz() {
        return hz == null ? 0 : hz.hz();
    }

    /**
     * Returns the length of a jiffy as the kernel's tick counts it, {@code TICK_NSEC}.
     *
     * @return nanoseconds; 1 for {@link #NOMINAL}
     */
    public long tickNanos() {
        return tickNanos;
    }

    /**
     * Returns where the HZ and the phase came from.
     *
     * @return a human-readable source
     */
    public String source() {
        return source;
    }

    /**
     * Returns the absolute jiffy in progress at a ticker time.
     *
     * @param nanos ticker time, nanoseconds
     * @return jiffies (for {@link #NOMINAL}: the nanoseconds themselves)
     */
    public long jiffyAt(long nanos) {
        return hz == null ? nanos : Math.floorDiv(nanos + origin, tickNanos) + offset;
    }

    /**
     * Returns the ticker time at which an absolute jiffy begins: when the kernel's tick runs the timers due then.
     *
     * @param jiffy absolute jiffies
     * @return ticker time, nanoseconds
     */
    public long startNanos(long jiffy) {
        return hz == null ? jiffy : (jiffy - offset) * tickNanos - origin;
    }

    /**
     * Returns a duration in jiffies as the kernel would hold it: seconds × HZ for whole seconds
     * ({@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}), {@code msecs_to_jiffies} (rounded up) for milliseconds.
     *
     * @param nanos a duration, nanoseconds, {@code >= 0}
     * @return jiffies, rounded up (for {@link #NOMINAL}: the nanoseconds themselves)
     */
    public long toJiffies(long nanos) {
        return hz == null ? nanos : hz.toJiffiesCeil(nanos);
    }

    /**
     * Returns the jiffy at which the kernel's timer wheel fires a timer armed for {@code expires}, {@code delta}
     * jiffies ahead of the wheel clock: the next multiple of its level's granularity after {@code expires}. Inside
     * a timer callback the wheel clock runs one jiffy ahead, so a callback re-arming {@code t} jiffies ahead passes
     * {@code t - 1}.
     *
     * @param expires absolute jiffies
     * @param delta jiffies ahead of the wheel clock, {@code >= 0}
     * @return absolute jiffies (for {@link #NOMINAL}: {@code expires})
     */
    public long fireJiffy(long expires, long delta) {
        return hz == null ? expires : KernelTimerWheel.fireJiffy(expires, Math.max(0, delta), hz.hz());
    }

    /**
     * Returns the granularity of the wheel level of a timer armed {@code delta} jiffies ahead.
     *
     * @param delta jiffies ahead, {@code >= 0}
     * @return nanoseconds (1 for {@link #NOMINAL})
     */
    public long granularityNanos(long delta) {
        return hz == null ? 1 : KernelTimerWheel.granularity(KernelTimerWheel.level(delta, hz.hz())) * tickNanos;
    }

    @Override
    public String toString() {
        return "KernelClock(" + source + ")";
    }
}
