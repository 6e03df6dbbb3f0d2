package io.vigil.benchmarks.footprint;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The live heap by class, as {@code jcmd <pid> GC.class_histogram} prints it, taken from inside the process through
 * the HotSpot diagnostic command MBean (it runs a full collection first, so only live objects count). Two
 * histograms subtracted and divided by a count say which classes a set of objects (say, connections) costs.
 *
 * <p><b>Thread safety:</b> immutable; {@link #take()} may be called from any thread (it stops the world).
 *
 * @since 0.1
 */
public final class HeapHistogram {

    private final Map<String, Long> bytesByClass;

    private HeapHistogram(Map<String, Long> bytesByClass) {
        this.bytesByClass = bytesByClass;
    }

    /**
     * Takes the live heap's histogram (after a full collection).
     *
     * @return the histogram
     * @throws IllegalStateException if the VM has no diagnostic command MBean (not HotSpot)
     */
    public static HeapHistogram take() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object text = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return parse(String.valueOf(text));
        } catch (JMException e) {
            throw new IllegalStateException("GC.class_histogram is not available on this VM", e);
        }
    }

    /** Parses lines such as {@code "   1:   1000   64000  io.netty.Foo (io.netty.transport@4.2)"}. */
    static HeapHistogram parse(String text) {
        Map<String, Long> bytes = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) {
                continue;
            }
            try {
                bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            } catch (NumberFormatException notARow) {
                // the header or the total line
            }
        }
        return new HeapHistogram(bytes);
    }

    /**
     * The classes that grew most from {@code before} to this histogram, per unit.
     *
     * @param before the earlier histogram
     * @param units what to divide by (connections, channels)
     * @param top how many classes at most
     * @return "class=bytes per unit" entries, largest first, separated by "; "
     */
    public String growthPerUnit(HeapHistogram before, int units, int top) {
        List<Map.Entry<String, Long>> growth = new ArrayList<>();
        for (Map.Entry<String, Long> e : bytesByClass.entrySet()) {
            long d = e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                growth.add(Map.entry(e.getKey(), d));
            }
        }
        growth.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(top, growth.size()); i++) {
            Map.Entry<String, Long> e = growth.get(i);
            out.add(String.format(Locale.ROOT, "%s=%.1f", simpleName(e.getKey()), (double) e.getValue() / units));
        }
        return String.join("; ", out);
    }

    private static String simpleName(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(dot + 1);
    }
}
