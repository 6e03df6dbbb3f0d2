package io.vigil.core.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The Linux kernel's tick rate, {@code HZ}: the unit of the kernel's keepalive clock (a jiffy is {@code 1/HZ} s)
 * and of its timer wheel, hence of when the kernel really probes and gives up ({@link KernelSchedule}).
 *
 * <p>{@link #detect()} tries, in this order, and says which one answered in {@link #source()}:
 * <ol>
 *   <li>the system property {@value #PROPERTY} (Hz, {@value #MIN_HZ} .. {@value #MAX_HZ}); an invalid value is an
 *       error, never ignored;</li>
 *   <li>{@code CONFIG_HZ} in {@code /proc/config.gz} (world-readable where the kernel has
 *       {@code CONFIG_IKCONFIG_PROC}), then in {@code /boot/config-<release>};</li>
 *   <li>the route sysctls whose kernel defaults are written in jiffies and shown raw:
 *       {@code /proc/sys/net/ipv4/route/error_cost} ({@code = HZ}) and {@code error_burst} ({@code = 5 × HZ}),
 *       world-readable and present in every network namespace. They are trusted only when they still agree with
 *       each other (an administrator who tuned one breaks the pair);</li>
 *   <li>otherwise {@value #DEFAULT_HZ}, the most common distribution setting, with the reasons each source
 *       failed in {@link #source()}.</li>
 * </ol>
 * {@code /proc/timer_list} is not used: it is readable by root only, where it exists at all.
 *
 * <p>Two values are equal when their HZ are, whatever their sources.
 *
 * <p><b>Thread safety:</b> immutable; {@link #detect()} is safe from any thread and reads the files once per JVM
 * (the first success is kept).
 *
 * @since 0.1
 */
public final class KernelHz {

    /** The system property that sets HZ explicitly, in Hz: {@value}. */
    public static final String PROPERTY = "io.vigil.kernel.hz";
    /** HZ assumed when nothing else tells: {@value} Hz. */
    public static final int DEFAULT_HZ = 250;
    /** Smallest HZ accepted: {@value} Hz. */
    public static final int MIN_HZ = 10;
    /** Largest HZ accepted: {@value} Hz. */
    public static final int MAX_HZ = 10_000;

    private static final long NANOS_PER_SECOND = Limits.NANOS_PER_SECOND;
    private static volatile @Nullable KernelHz detected;

    private final int hz;
    private final String source;

    private KernelHz(int hz, String source) {
        this.hz = hz;
        this.source = source;
    }

    /**
     * Returns an explicit HZ, for a kernel known in advance or for tests.
     *
     * @param hz the tick rate, {@value #MIN_HZ} .. {@value #MAX_HZ} Hz
     * @return the value
     * @throws IllegalArgumentException if out of range, naming value, range and unit
     */
    public static KernelHz of(int hz) {
        Limits.checkRange("hz", hz, MIN_HZ, MAX_HZ, "Hz");
        return new KernelHz(hz, "explicit");
    }

    /**
     * Returns this machine's HZ, detected on first use as described in the class documentation and then kept.
     *
     * @return the detected (or defaulted) HZ, with its source
     * @throws IllegalArgumentException if {@value #PROPERTY} is set to something other than a whole number of
     *         Hz in range; the message names the property, the value, the range and the unit
     */
    public static KernelHz detect() {
        KernelHz hz = detected;
        if (hz == null) {
            // Racing threads may both detect; they find the same value. A failure is not kept: it is thrown again.
            hz = detect(System.getProperty(PROPERTY), Path.of("/"), System.getProperty("os.version", ""));
            detected = hz;
        }
        return hz;
    }

    /** Detection against a given file system root and property value; the seam for tests. */
    static KernelHz detect(@Nullable String property, Path root, String release) {
        if (property != null) {
            return fromProperty(property.strip());
        }
        List<String> misses = new ArrayList<>();
        Path gz = root.resolve("proc/config.gz");
        Integer hz = configHz(gz, true, misses);
        if (hz != null) {
            return new KernelHz(hz, "CONFIG_HZ=" + hz + " in " + gz);
        }
        Path boot = root.resolve("boot/config-" + release);
        hz = configHz(boot, false, misses);
        if (hz != null) {
            return new KernelHz(hz, "CONFIG_HZ=" + hz + " in " + boot);
        }
        Path route = root.resolve("proc/sys/net/ipv4/route");
        hz = routeHz(route, misses);
        if (hz != null) {
            return new KernelHz(hz, route + "/error_cost = " + hz + " and error_burst = 5 × " + hz
                    + " (kernel defaults in jiffies)");
        }
        return new KernelHz(DEFAULT_HZ, "default " + DEFAULT_HZ + " Hz: no source answered (" + String.join("; ",
                misses) + "); set -D" + PROPERTY + " to the kernel's CONFIG_HZ");
    }

    private static KernelHz fromProperty(String value) {
        int hz;
        try {
            hz = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " = '" + value + "' is not a whole number of Hz: allowed "
                    + MIN_HZ + " .. " + MAX_HZ + " Hz (the kernel's CONFIG_HZ)");
        }
        if (hz < MIN_HZ || hz > MAX_HZ) {
            throw new IllegalArgumentException(PROPERTY + " = " + hz + " Hz is out of range: allowed " + MIN_HZ
                    + " .. " + MAX_HZ + " Hz (the kernel's CONFIG_HZ)");
        }
        return new KernelHz(hz, "-D" + PROPERTY + "=" + hz);
    }

    private static @Nullable Integer configHz(Path file, boolean gzipped, List<String> misses) {
        if (!Files.isReadable(file)) {
            misses.add(file + " not readable");
            return null;
        }
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = gzipped ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("CONFIG_HZ=")) {
                    Integer hz = parseHz(line.substring("CONFIG_HZ=".length()));
                    if (hz == null) {
                        misses.add(file + " has an unusable " + line);
                    }
                    return hz;
                }
            }
            misses.add(file + " has no CONFIG_HZ");
        } catch (IOException e) {
            misses.add(file + " unreadable: " + e.getMessage());
        }
        return null;
    }

    private static @Nullable Integer routeHz(Path dir, List<String> misses) {
        try {
            Integer cost = parseHz(Files.readString(dir.resolve("error_cost"), StandardCharsets.US_ASCII));
            String burst = Files.readString(dir.resolve("error_burst"), StandardCharsets.US_ASCII).strip();
            if (cost != null && burst.equals(Long.toString(5L * cost))) {
                return cost;
            }
            misses.add(dir + "/error_cost and error_burst no longer hold their defaults (HZ, 5 × HZ)");
        } catch (IOException e) {
            misses.add(dir + "/error_cost or error_burst not readable");
        }
        return null;
    }

    private static @Nullable Integer parseHz(String text) {
        try {
            int hz = Integer.parseInt(text.strip());
            return hz >= MIN_HZ && hz <= MAX_HZ ? hz : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Returns the tick rate.
     *
     * @return Hz
     */
    public int hz() {
        return hz;
    }

    /**
     * Tells where the value came from: the property, the file and line, or the default with why every source
     * failed.
     *
     * @return a human-readable source
     */
    public String source() {
        return source;
    }

    /**
     * Returns the first instant of a jiffy count, in nanoseconds: {@code ⌊jiffies × 10^9 / HZ⌋}.
     *
     * @param jiffies a count of jiffies, {@code >= 0}
     * @return nanoseconds
     */
    public long toNanos(long jiffies) {
        return jiffies / hz * NANOS_PER_SECOND + jiffies % hz * NANOS_PER_SECOND / hz;
    }

    /** Returns the last instant of a jiffy count, in nanoseconds: {@code ⌈jiffies × 10^9 / HZ⌉}. */
    long toNanosCeil(long jiffies) {
        return jiffies / hz * NANOS_PER_SECOND + Limits.ceilDiv(jiffies % hz * NANOS_PER_SECOND, hz);
    }

    /**
     * Returns a duration in jiffies, rounded up.
     *
     * @param nanos nanoseconds, {@code >= 0}
     * @return jiffies
     */
    public long toJiffiesCeil(long nanos) {
        return nanos / NANOS_PER_SECOND * hz + Limits.ceilDiv(nanos % NANOS_PER_SECOND * hz, NANOS_PER_SECOND);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof KernelHz && ((KernelHz) o).hz == hz;
    }

    @Override
    public int hashCode() {
        return hz;
    }

    @Override
    public String toString() {
        return "HZ " + hz + " (" + source + ")";
    }

}
