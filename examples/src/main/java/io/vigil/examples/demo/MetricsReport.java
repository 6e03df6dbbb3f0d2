package io.vigil.examples.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrapes the demo's own Prometheus endpoint over HTTP and prints what Vigil's meters mean, each figure labelled
 * by what it counts, summed over connections, with the series it comes from. A distribution's {@code _count} is
 * the number of samples recorded, not the number of probes or retransmissions, and is printed as such.
 */
final class MetricsReport {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One series of the scrape. */
    private record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private MetricsReport(List<Sample> samples) {
        this.samples = samples;
    }

    /**
     * Scrapes and prints.
     *
     * @param uri the endpoint
     * @param timeline where to print
     * @throws IOException if the scrape fails
     * @throws InterruptedException if interrupted
     */
    static void print(URI uri, Timeline timeline) throws IOException, InterruptedException {
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        timeline.line("Scraped " + uri + " (HTTP " + scrape.statusCode() + "); Vigil's figures, summed over"
                + " connections [from series]:");
        for (String line : parse(scrape.body()).lines()) {
            timeline.line("  " + line);
        }
    }

    static MetricsReport parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("vigil_") && m.matches()) {
                Map<String, String> labels = new HashMap<>();
                Matcher l = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
            }
        }
        return new MetricsReport(samples);
    }

    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(figure("userspace probes sent", count("vigil_keepalive_probes_sent_total"),
                "vigil_keepalive_probes_sent_total"));
        out.add(figure("probing episodes ended by the peer answering", count("vigil_keepalive_probes_acked_total"),
                "vigil_keepalive_probes_acked_total: episodes, not probes"));
        out.add(figure("probes unanswered when a peer was declared dead",
                count("vigil_keepalive_probes_unanswered_total"), "vigil_keepalive_probes_unanswered_total"));
        double rtts = sum("vigil_keepalive_rtt_seconds_count", s -> true);
        out.add(figure("probe round trips measured", String.format(Locale.ROOT, "%.0f, mean %.1f ms, max %.1f ms",
                rtts, rtts == 0 ? 0 : sum("vigil_keepalive_rtt_seconds_sum", s -> true) / rtts * 1e3,
                max("vigil_keepalive_rtt_seconds_max") * 1e3), "vigil_keepalive_rtt_seconds"));
        out.add(figure("peers declared dead, by reason", byLabel("vigil_keepalive_verdicts_total", "reason", "%.0f"),
                "vigil_keepalive_verdicts_total"));
        out.add(figure("last inbound message to verdict, mean, by reason",
                latency(), "vigil_keepalive_detection_latency_seconds: for a slow consumer this counts from"
                        + " its last message, not from the stall"));
        out.add(figure("kernel options set and read back, by outcome", byLabel("vigil_kernel_options_total",
                "outcome", "%.0f"), "vigil_kernel_options_total"));
        out.add(figure("TCP_INFO samples taken on the userspace layer's ticks",
                count("vigil_kernel_keepalive_probes_count"), "vigil_kernel_keepalive_probes_count: samples, not"
                        + " probes"));
        out.add(figure("most unanswered kernel keepalive probes seen on a tick",
                String.format(Locale.ROOT, "%.0f", max("vigil_kernel_keepalive_probes_max")),
                "vigil_kernel_keepalive_probes_max: a kernel-only connection has no ticks"));
        out.add(figure("most consecutive retransmissions seen on a tick",
                String.format(Locale.ROOT, "%.0f", max("vigil_kernel_retransmits_max")),
                "vigil_kernel_retransmits_max; _count is again samples"));
        out.add(figure("connections watched now, by state", byLabel("vigil_keepalive_connections", "state",
                "%.0f"), "vigil_keepalive_connections"));
        return out;
    }

    private static String figure(String what, String value, String series) {
        return String.format(Locale.ROOT, "%-56s %-34s [%s]", what + ":", value, series);
    }

    private String count(String name) {
        return String.format(Locale.ROOT, "%.0f", sum(name, s -> true));
    }

    private double sum(String name, Predicate<Sample> which) {
        return samples.stream().filter(s -> s.name().equals(name) && which.test(s)).mapToDouble(Sample::value).sum();
    }

    private double max(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).max().orElse(0);
    }

    private String byLabel(String name, String label, String format) {
        Map<String, Double> totals = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                totals.merge(s.labels().getOrDefault(label, "?"), s.value(), Double::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        totals.forEach((key, total) -> out.append(out.length() == 0 ? "" : ", ").append(key).append(' ')
                .append(String.format(Locale.ROOT, format, total)));
        return out.length() == 0 ? "none" : out.toString();
    }

    private String latency() {
        Map<String, Double> counts = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().equals("vigil_keepalive_detection_latency_seconds_count")) {
                counts.merge(s.labels().getOrDefault("reason", "?"), s.value(), Double::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((reason, n) -> out.append(out.length() == 0 ? "" : ", ").append(reason).append(' ')
                .append(String.format(Locale.ROOT, "%.1f s", n == 0 ? 0 : sum(
                        "vigil_keepalive_detection_latency_seconds_sum",
                        s -> reason.equals(s.labels().get("reason"))) / n)));
        return out.length() == 0 ? "none" : out.toString();
    }
}
