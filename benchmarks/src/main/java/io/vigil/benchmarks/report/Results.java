package io.vigil.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The JMH results of one run, read from every {@code *.json} file of a folder.
 *
 * <p><b>Thread safety:</b> immutable after loading.
 *
 * @since 0.1
 */
final class Results {

    /** One benchmark at one parameter set. */
    record Row(String benchmark, String mode, Map<String, String> params, double score, double error, String unit,
               double allocPerOp, double max, Map<String, Double> secondary, String jdk, String vm,
               List<Double> forkMeans, int iterations, Map<String, List<List<Double>>> secondaryRaw) {

        /** Half-width of JMH's 99.9 % interval; 0 when JMH could not compute one (a single iteration). */
        double err() {
            return Double.isNaN(error) ? 0 : error;
        }

        /**
         * The figure of record: the median of the per-fork means, with the range of the fork means as its interval.
         *
         * @return the statistic
         */
        Stat stat() {
            return Stat.ofForks(forkMeans.isEmpty() ? List.of(score) : forkMeans);
        }

        /**
         * A secondary metric as a figure of record: the median of its per-fork means with their range.
         *
         * @param key the metric's name as JMH writes it (without a profiler prefix)
         * @return the statistic, or null if the metric was not recorded
         */
        @Nullable Stat secondaryStat(String key) {
            List<List<Double>> forks = secondaryRaw.get(key);
            if (forks == null || forks.isEmpty()) {
                return null;
            }
            List<Double> means = new ArrayList<>();
            for (List<Double> fork : forks) {
                means.add(fork.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
            }
            return Stat.ofForks(means);
        }

        /**
         * A secondary metric's raw values, per fork and iteration.
         *
         * @param key the metric's name as JMH writes it (without a profiler prefix)
         * @return the values, empty if the metric was not recorded
         */
        List<List<Double>> secondaryRaw(String key) {
            return secondaryRaw.getOrDefault(key, List.of());
        }
    }

    private final List<Row> rows;

    private Results(List<Row> rows) {
        this.rows = rows;
    }

    /**
     * Loads every {@code *.json} file of a folder.
     *
     * @param dir the folder
     * @return the results
     * @throws IOException if a file cannot be read
     */
    static Results load(Path dir) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (text.isBlank()) {
                    continue;
                }
                Object parsed = Json.parse(text);
                if (!(parsed instanceof List)) {
                    continue; // e2e.json, fleet.json, accept.json: read by the report itself
                }
                for (Object o : (List<?>) parsed) {
                    rows.add(row((Map<?, ?>) Objects.requireNonNull(o)));
                }
            }
        }
        return new Results(rows);
    }

    private static Row row(Map<?, ?> r) {
        String name = (String) r.get("benchmark");
        String[] parts = name.split("\\.");
        String shortName = parts[parts.length - 2] + "." + parts[parts.length - 1];
        Map<String, String> params = new java.util.TreeMap<>();
        Object p = r.get("params");
        if (p instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) p).entrySet()) {
                params.put((String) e.getKey(), String.valueOf(e.getValue()));
            }
        }
        Map<?, ?> primary = (Map<?, ?>) r.get("primaryMetric");
        List<Double> forkMeans = new ArrayList<>();
        int iterations = 0;
        for (List<Double> fork : rawForks(primary.get("rawData"))) {
            forkMeans.add(fork.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
            iterations += fork.size();
        }
        double max = Double.NaN;
        Object pct = primary.get("scorePercentiles");
        if (pct instanceof Map && ((Map<?, ?>) pct).get("100.0") instanceof Double) {
            max = (Double) ((Map<?, ?>) pct).get("100.0");
        }
        Map<String, Double> secondary = new java.util.TreeMap<>();
        Map<String, List<List<Double>>> secondaryRaw = new java.util.TreeMap<>();
        double alloc = Double.NaN;
        Object sec = r.get("secondaryMetrics");
        if (sec instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) sec).entrySet()) {
                Map<?, ?> m = (Map<?, ?>) e.getValue();
                String key = ((String) e.getKey()).replace("·", "");
                double value = number(m.get("score"));
                secondaryRaw.put(key, rawForks(m.get("rawData")));
                Object sp = m.get("scorePercentiles");
                if (sp instanceof Map && ((Map<?, ?>) sp).get("100.0") instanceof Double) {
                    secondary.put(key + ".max", (Double) ((Map<?, ?>) sp).get("100.0"));
                }
                secondary.put(key, value);
                if (key.endsWith("gc.alloc.rate.norm")) {
                    alloc = value;
                }
            }
        }
        return new Row(shortName, (String) r.get("mode"), params, number(primary.get("score")),
                number(primary.get("scoreError")), (String) primary.get("scoreUnit"), alloc, max, secondary,
                String.valueOf(r.get("jdkVersion")), r.get("vmName") + " " + r.get("vmVersion"),
                List.copyOf(forkMeans), iterations, secondaryRaw);
    }

    private static List<List<Double>> rawForks(@Nullable Object raw) {
        List<List<Double>> forks = new ArrayList<>();
        if (raw instanceof List) {
            for (Object fork : (List<?>) raw) {
                List<Double> values = new ArrayList<>();
                if (fork instanceof List) {
                    for (Object v : (List<?>) fork) {
                        if (v instanceof Double) {
                            values.add((Double) v);
                        }
                    }
                }
                if (!values.isEmpty()) {
                    forks.add(List.copyOf(values));
                }
            }
        }
        return forks;
    }

    private static double number(@Nullable Object o) {
        return o instanceof Double ? (Double) o : Double.NaN;
    }

    /**
     * Finds the row of a benchmark at the given parameters ({@code key=value} pairs; unnamed ones may be anything).
     *
     * @param benchmark {@code Class.method}
     * @param params alternating keys and values
     * @return the row, or null if not measured
     */
    @Nullable Row find(String benchmark, String... params) {
        for (Row row : rows) {
            if (!row.benchmark().equals(benchmark)) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < params.length; i += 2) {
                if (!params[i + 1].equals(row.params().get(params[i]))) {
                    match = false;
                    break;
                }
            }
            if (match) {
                return row;
            }
        }
        return null;
    }

    /**
     * Returns every row.
     *
     * @return the rows
     */
    List<Row> rows() {
        return rows;
    }
}
