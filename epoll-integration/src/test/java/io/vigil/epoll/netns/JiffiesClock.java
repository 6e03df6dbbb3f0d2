package io.vigil.epoll.netns;

import io.vigil.core.policy.KernelHz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The kernel's absolute jiffies as a function of {@link System#nanoTime()} ({@code CLOCK_MONOTONIC}), learned from
 * {@code /proc/timer_list} (root only): the tick is aligned to multiples of {@code TICK_NSEC} of the monotonic clock
 * (checked on the file's {@code .last_tick}), so {@code jiffies = ⌊now / TICK_NSEC⌋ + offset}, and the file gives
 * {@code now} and {@code jiffies} together. Five reads; the most common offset wins (a read straddling a tick can be
 * one off).
 *
 * <p><b>Thread safety:</b> immutable.
 */
final class JiffiesClock {

    private static final Pattern NOW = Pattern.compile("now at (\\d+) nsecs");
    private static final Pattern JIFFIES = Pattern.compile("(?m)^jiffies: (\\d+)");
    private static final Pattern LAST_TICK = Pattern.compile("\\.last_tick\\s*: (\\d+) nsecs");

    private final long tickNanos;
    private final long offset;

    private JiffiesClock(long tickNanos, long offset) {
        this.tickNanos = tickNanos;
        this.offset = offset;
    }

    /**
     * Learns the clock, or says why it cannot.
     *
     * @param hz the kernel's tick rate
     * @param why receives the reason when the result is null
     * @return the clock, or null
     */
    static @Nullable JiffiesClock learn(KernelHz hz, StringBuilder why) {
        long tick = (1_000_000_000L + hz.hz() / 2) / hz.hz();
        Map<Long, Integer> votes = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            String text;
            try {
                text = Files.readString(Path.of("/proc/timer_list"), StandardCharsets.US_ASCII);
            } catch (IOException | RuntimeException e) {
                why.append("/proc/timer_list is not readable here: ").append(e);
                return null;
            }
            Matcher now = NOW.matcher(text);
            Matcher jiffies = JIFFIES.matcher(text);
            Matcher lastTick = LAST_TICK.matcher(text);
            if (!now.find() || !jiffies.find() || !lastTick.find()) {
                why.append("/proc/timer_list has no 'now at', 'jiffies:' or '.last_tick'");
                return null;
            }
            if (Long.parseLong(lastTick.group(1)) % tick != 0) {
                why.append("the tick is not aligned to TICK_NSEC = ").append(tick).append(" ns here");
                return null;
            }
            long offset = Long.parseLong(jiffies.group(1)) - Math.floorDiv(Long.parseLong(now.group(1)), tick);
            votes.merge(offset, 1, Integer::sum);
        }
        long best = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return new JiffiesClock(tick, best);
    }

    /**
     * Returns the jiffies value at an instant.
     *
     * @param nanoTime a {@link System#nanoTime()} reading
     * @return absolute jiffies
     */
    long jiffiesAt(long nanoTime) {
        return Math.floorDiv(nanoTime, tickNanos) + offset;
    }

    /**
     * Returns when a jiffy begins.
     *
     * @param jiffies absolute jiffies
     * @return a {@link System#nanoTime()} value
     */
    long startNanos(long jiffies) {
        return (jiffies - offset) * tickNanos;
    }
}
