package io.vigil.benchmarks.report;

import io.netty.channel.DefaultChannelPromise;
import io.vigil.benchmarks.footprint.Allocation;
import io.vigil.benchmarks.footprint.Footprint;
import io.vigil.core.internal.timer.TimerWheelConfig;
import io.vigil.core.probe.HeartbeatFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.openjdk.jol.info.ClassLayout;

/**
 * Writes BENCHMARKS.md and its charts from a run's JSON files: the JMH results, {@code e2e.json} (the end-to-end echo
 * runs) and {@code fleet.json} (the idle fleet), and measures footprint and allocation (JUnit-checked in CI) the same
 * way here so their figures sit in the same table.
 *
 * <pre>{@code java -cp benchmarks/target/vigil-benchmarks.jar io.vigil.benchmarks.report.Report \
 *     benchmarks/results BENCHMARKS.md BENCHMARKS.png}</pre>
 *
 * <p>Statistics ({@link Stat}): every figure is the median of the per-fork means with the range of the fork means as
 * its interval; differences and ratios carry the worst ends. A target is <b>passed</b> only when the whole interval
 * clears it, <b>missed</b> when the whole interval falls short, and otherwise <b>inconclusive</b> (not a pass). With
 * fewer than {@value Stat#MIN_FORKS} forks nothing is judged. Every ratio is between figures of the same run. Next to
 * {@code BENCHMARKS.png} (overhead against channel count) it writes {@code -e2e.png} (latency percentiles) and
 * {@code -fleet.png} (idle fleet) with the same stem.
 *
 * <p><b>Thread safety:</b> a command-line tool.
 *
 * @since 0.1
 */
public final class Report {

    private static final String[] SCALE = {"1000", "100000", "1000000"};
    private static final double[] SCALE_X = {1e3, 1e5, 1e6};
    private static final String[] DESIGNS = {"heap", "hwt", "agrona", "vigil"};
    private static final String[] DESIGN_LABEL = {"loop heap (Netty scheduler)", "HashedWheelTimer (caller side)",
        "Agrona DeadlineTimerWheel", "Vigil wheel"};
    private static final double FLOOR_FACTOR = 1.2;
    /** Footprint forks: fresh JVMs, each measuring one round after a discarded warm-up round. */
    private static final int FOOTPRINT_FORKS = 5;
    private static final double TICK_MS = TimerWheelConfig.fromSystemProperties().tickNanos() / 1e6;

    private final Results results;
    private final @Nullable Map<?, ?> e2e;
    private final @Nullable Map<?, ?> fleet;
    private final @Nullable Map<?, ?> accept;
    private final StringBuilder md = new StringBuilder();
    private final List<String> notPassed = new ArrayList<>();
    /** The record's parts, one JSON each (the names of {@code benchmarks/run.sh --only}). */
    private static final List<String> PARTS = List.of("read", "write", "rearm", "rearmfloor", "rearmlatency", "floor",
            "armcancel", "tick", "probecycle", "sweep", "herd", "e2e", "accept", "fleet");
    private final List<String> recorded = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();
    private final List<Chart.Panel> overheadPanels = new ArrayList<>();
    private int passes;

    Report(Results results, @Nullable Map<?, ?> e2e, @Nullable Map<?, ?> fleet,
                   @Nullable Map<?, ?> accept) {
        this.results = results;
        this.e2e = e2e;
        this.fleet = fleet;
        this.accept = accept;
    }

    /**
     * Generates the report.
     *
     * @param args results folder, markdown file, PNG file
     * @throws IOException on a file error
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: Report <results-dir> <BENCHMARKS.md> <chart.png>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Results results = Results.load(dir);
        Report report = new Report(results, json(dir.resolve("e2e.json")), json(dir.resolve("fleet.json")),
                json(dir.resolve("accept.json")));
        String machine = Files.exists(dir.resolve("machine.txt"))
                ? current(Files.readString(dir.resolve("machine.txt"), StandardCharsets.UTF_8))
                : "(machine.txt missing)\n";
        Path png = Path.of(args[2]);
        String stem = png.getFileName().toString().replaceFirst("\\.png$", "");
        Path e2ePng = png.resolveSibling(stem + "-e2e.png");
        Path fleetPng = png.resolveSibling(stem + "-fleet.png");
        for (String name : PARTS) {
            (Files.exists(dir.resolve(name + ".json")) ? report.recorded : report.missing).add(name);
        }
        report.write(machine, png.getFileName().toString(), e2ePng.getFileName().toString(),
                fleetPng.getFileName().toString());
        Files.writeString(Path.of(args[1]), report.md, StandardCharsets.UTF_8);
        Chart.write(png, "Overhead against channel count (same run; log-log; median of fork means)",
                report.overheadPanels);
        Chart.write(e2ePng, "End to end over loopback: latency at a fixed rate (coordinated omission corrected)",
                report.e2ePanels());
        Chart.write(fleetPng, "Idle fleet: loop CPU and memory per connection", report.fleetPanels());
        System.out.println("wrote " + args[1] + ", " + png + ", " + e2ePng + " and " + fleetPng + " from "
                + results.rows().size() + " JMH results; " + report.passes + " pass(es), " + report.notPassed.size()
                + " target(s) not passed");
    }

    /** machine.txt: where each run's section starts, the parts a section names, a line about one part. */
    private static final Pattern SECTION = Pattern.compile("(?m)^(?=mode: )");
    private static final Pattern PART = Pattern.compile("\\(part: ([^)]*)\\)");
    private static final Pattern ABOUT = Pattern.compile("^(?:load before )?([a-z0-9]+):");

    /**
     * The sections of machine.txt behind the JSON of record: run.sh appends one section per run ("mode: ..."), and a
     * part re-run with {@code --only} supersedes the earlier sections' lines about that part. Keeps, per part, only the
     * latest section's lines about it (a section whose every part was re-run later is dropped whole).
     */
    static String current(String machine) {
        String[] sections = SECTION.split(machine);
        Map<String, Integer> latest = new java.util.HashMap<>();
        List<List<String>> parts = new ArrayList<>();
        for (int i = 0; i < sections.length; i++) {
            Matcher m = PART.matcher(sections[i]);
            List<String> names = m.find() ? List.of(m.group(1).split(",")) : PARTS;
            parts.add(names);
            for (String name : names) {
                latest.put(name, i);
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sections.length; i++) {
            final int section = i;
            if (parts.get(i).stream().noneMatch(name -> latest.get(name) == section)) {
                continue;
            }
            for (String line : sections[i].split("\n")) {
                Matcher about = ABOUT.matcher(line);
                if (about.find() && latest.containsKey(about.group(1)) && latest.get(about.group(1)) != section) {
                    continue; // about a part whose record comes from a later section
                }
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static @Nullable Map<?, ?> json(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Object o = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        return o instanceof Map ? (Map<?, ?>) o : null;
    }

    // ---- header, machine, method, targets ------------------------------------------------------------------------

    private void write(String machine, String chart, String e2eChart, String fleetChart) {
        boolean quick = machine.contains("mode: quick");
        md.append("# Benchmarks: Vigil's timer path, end to end, against Netty's IdleStateHandler and other timers\n\n");
        if (!quick && machine.contains("(part: ") && missing.isEmpty()) {
            md.append("> Recorded in parts, every part with the record's method (≥ 5 forks, pre-touched heap); each "
                    + "part's machine, time and load in the section below. Every part of the suite is recorded.\n\n");
        } else if (!quick && machine.contains("(part: ")) {
            md.append("> **PARTIAL RECORD.** Recorded so far, with the record's method (≥ 5 forks, pre-touched heap; "
                    + "each part's machine, time and load in the section below): ").append(String.join(", ", recorded))
                    .append(". **Not recorded yet** (their rows say \"not measured\"): ")
                    .append(missing.isEmpty() ? "none" : String.join(", ", missing))
                    .append(". `benchmarks/run.sh --only NAMES` records the rest; a part re-run replaces its own JSON "
                            + "only.\n\n");
        }
        if (quick) {
            md.append("> **QUICK MODE — NOT A RECORD.** This file was generated by `benchmarks/run.sh --quick` (one "
                    + "fork, one short iteration, small channel counts) to prove that the suite and the report run "
                    + "end to end. Nothing below is judged; no figure here may be quoted.\n\n");
        }
        md.append("Generated by `benchmarks/run.sh` from the JSON in `benchmarks/results/` (do not edit by hand). "
                + "Reproduce everything on an **idle** machine (about 3–4 hours on 2 cores; the JSON, this file and "
                + "the charts are rewritten):\n\n```\nbenchmarks/run.sh\n```\n\nRegenerate only this file and the "
                + "charts from the stored JSON: `benchmarks/run.sh --report-only`. CI smoke: "
                + "`benchmarks/run.sh --quick` (writes under `benchmarks/target/quick/`, never here).\n\n");
        md.append("## Machine and run\n\n```\n").append(machine.strip()).append('\n');
        Results.Row any = results.rows().isEmpty() ? null : results.rows().get(0);
        if (any != null) {
            md.append("JMH JDK: ").append(any.jdk()).append(", ").append(any.vm()).append('\n');
        }
        md.append("```\n\n");
        md.append(loadStatement(machine)).append("\n\n");
        String machines = machinesStatement(machine);
        if (!machines.isEmpty()) {
            md.append(machines).append("\n\n");
        }
        md.append("Settings: JMH 1.37, average time, 5 forks, 2 × 1 s warm-up, 3 × 1 s measurement per fork (the "
                + "intervals are over forks, so the time goes to forks), `-prof gc`, "
                + "`-Xms6g -Xmx6g -Xmn2g -XX:+AlwaysPreTouch -XX:+UseParallelGC` (a fixed, pre-touched heap: on "
                + "these virtual machines the first touch of a fresh page costs about 10 µs, which would otherwise "
                + "land on whichever side allocates), leak detector off. Time: a ticker that reads "
                + "`System.nanoTime()` like Netty's system ticker plus an offset the benchmarks advance. Channels "
                + "are `EmbeddedChannel`s whose idle handler is added with `pipeline.addLast(sharedLoop, handler)` "
                + "(one heap, one wheel for all); pure timer benchmarks use per-channel state objects on one "
                + "`ManualIoEventLoop`. Every benchmark checks in its setup that the handler saw the traffic and "
                + "that its timers fired.\n\n");
        md.append("**Statistics.** Each figure is the median of the per-fork means; `[lo, hi]` is the range of the "
                + "fork means, a distribution-free interval for the median (93.75 % at 5 forks). Overheads (mode − "
                + "bare) and ratios carry the worst ends of their parts. A target is **passed** only when the whole "
                + "interval clears it, **missed** when the whole interval falls short of it, and otherwise "
                + "**inconclusive**, which is not a pass. With fewer than 5 forks nothing is judged.\n\n");
        md.append("Wheel: tick ").append(fmt(TICK_MS)).append(" ms. **Precision:** a deadline fires at the first "
                + "tick at or after it — never early, at most one tick late while the loop is on time; inbound "
                + "traffic is stamped with the loop clock plus two ticks, so a verdict lands at most three ticks ("
                + fmt(3 * TICK_MS) + " ms) after the nominal time; a herd beyond a tick's budget (65 536 expiries "
                + "or 4 ms) is carried over to the next ticks.\n\n");
        targets();
        md.append("![overhead against channel count](").append(chart).append(")\n\n");

        StringBuilder summary = new StringBuilder();
        summary.append("## Summary\n\n| Benchmark | Case | Comparator | Vigil | Figure judged | Target | Result |\n"
                + "|---|---|---|---|---|---|---|\n");
        StringBuilder details = new StringBuilder();
        endToEnd(summary, details, e2eChart);
        idleFleet(details, fleetChart);
        acceptPath(summary, details);
        readPath(summary, details);
        writePath(summary, details);
        timers(summary, details);
        latencyBound(summary, details);
        expiry(summary, details);
        tick(summary, details);
        probeCycle(summary, details);
        footprint(summary, details);
        allocation(summary, details);
        md.append(summary).append('\n');
        md.append("**Passed: ").append(passes).append("; not passed: ").append(notPassed.size()).append("**")
                .append(notPassed.isEmpty() ? ".\n\n" : " — " + String.join("; ", notPassed)
                        + ". Each one's measured reason is in its row.\n\n");
        md.append(details);
    }

    /**
     * Says which parts ran on which processor when the record's parts come from more than one machine (virtual
     * machines are handed out anew: a record made in parts can span hosts). Empty when all ran on one.
     */
    static String machinesStatement(String machine) {
        Map<String, List<String>> partsByCpu = new java.util.LinkedHashMap<>();
        for (String section : SECTION.split(machine)) {
            Matcher cpu = Pattern.compile("(?m)^cpu: (.*)$").matcher(section);
            Matcher clock = Pattern.compile("(?m)^clocksource: (.*)$").matcher(section);
            Matcher part = PART.matcher(section);
            if (!cpu.find()) {
                continue;
            }
            String key = cpu.group(1).strip() + (clock.find() ? ", clocksource " + clock.group(1).strip() : "");
            List<String> parts = new ArrayList<>();
            Matcher about = Pattern.compile("(?m)^load before ([a-z0-9]+):").matcher(section);
            while (about.find()) {
                parts.add(about.group(1));
            }
            if (parts.isEmpty() && part.find()) {
                parts.addAll(List.of(part.group(1).split(",")));
            }
            partsByCpu.computeIfAbsent(key, k -> new ArrayList<>()).addAll(parts);
        }
        if (partsByCpu.size() < 2) {
            return "";
        }
        Map<String, String> cpuOf = new java.util.HashMap<>();
        List<String> lines = new ArrayList<>();
        partsByCpu.forEach((cpu, parts) -> {
            lines.add(cpu + ": " + String.join(", ", parts));
            parts.forEach(part -> cpuOf.put(part, cpu));
        });
        // The comparisons that read two parts: a part and the floor it is judged against.
        String[][] pairs = {{"rearm", "rearmfloor"}, {"armcancel", "rearmfloor"}, {"rearmlatency", "floor"},
            {"sweep", "floor"}};
        List<String> crossed = new ArrayList<>();
        for (String[] pair : pairs) {
            String a = cpuOf.get(pair[0]);
            if (a != null && cpuOf.get(pair[1]) != null && !a.equals(cpuOf.get(pair[1]))) {
                crossed.add(pair[0] + " against " + pair[1]);
            }
        }
        return "**The parts ran on " + partsByCpu.size() + " kinds of machine** (told apart by CPU model and "
                + "clocksource; parts recorded in different sessions ran on different virtual machines, which may be "
                + "of one kind: " + String.join("; ", lines) + "). " + (crossed.isEmpty() ? "Every comparison here is "
                + "within one part or between parts of one session; figures from different kinds of machine are not "
                + "compared with each other."
                : "These comparisons cross kinds of machine and are indicative only: " + String.join(", ", crossed)
                + ".");
    }

    static String loadStatement(String machine) {
        Matcher m = Pattern.compile("load average: ([0-9.]+)").matcher(machine);
        double worst = 0;
        int n = 0;
        while (m.find()) {
            worst = Math.max(worst, Double.parseDouble(m.group(1)));
            n++;
        }
        if (n == 0) {
            return "**Machine load was not recorded:** the figures cannot be shown to come from an idle machine.";
        }
        if (worst > 0.5) {
            return "**The machine was not idle** by the strict measure: the 1-minute load average reached " + fmt(worst)
                    + " (" + n + " samples, before, between and after the parts). Part of that is the record itself: "
                    + "a JMH fork keeps one of the two cores busy, and a sample taken before a part still averages "
                    + "the previous part's last minute (so about 1 to 1.4 between JMH parts); the end-to-end parts run "
                    + "their load generator on the same two cores. Figures from a loaded machine are wider and can be "
                    + "biased: treat them as indicative, and read the intervals.";
        }
        return "The machine was idle: the 1-minute load average stayed at or below " + fmt(worst) + " (" + n
                + " samples, before, during and after the run).";
    }

    private void targets() {
        md.append("## Targets and why\n\n"
                + "Set when the suite was designed and revised after the first record's audit; this table is where "
                + "they live, so that each claim and its yardstick are read together.\n\n"
                + "| What | Target | Rationale |\n|---|---|---|\n"
                + "| End to end (echo/RPC over loopback, epoll and NIO) | Vigil's saturation throughput and p99 at a "
                + "fixed rate within the range of *no keepalive* over ≥ 5 repetitions (judged); ISH + heartbeat "
                + "prober shown next to it | What users decide on: keepalive must cost nothing visible per request |\n"
                + "| Read path | Vigil's overhead ≤ ¼ of ISH(reader)'s at 1k, ≤ ½ at 100k–1M; 0 B/op | ISH reads "
                + "the clock per read batch; Vigil stores the loop's cached time. Both pay one pipeline hop (the "
                + "`hop` column), which bounds the ratio |\n"
                + "| Write path (matched: ISH reader idle only) | Vigil's overhead not above ISH(reader)'s; 0 B/write "
                + "| Neither intercepts writes; the all-idle comparison (ISH's writer-idle feature, which Vigil does "
                + "not have) is published but not judged |\n"
                + "| Timer re-arm, arm + cancel (throughput) | Vigil within " + FLOOR_FACTOR + "× of the floor and "
                + "ahead of the loop heap, HashedWheelTimer and Agrona in the same run; 0 B/op | **The physical "
                + "floor** is reaching a random channel's state: the same-slot operation on Vigil's wheel (a no-op "
                + "that only reads the state) at the same scale. No design can beat it; ratios such as ≥ 30× at 100k "
                + "were below it |\n"
                + "| Re-arm, latency-bound (1M, one dependent operation at a time) | Vigil within " + FLOOR_FACTOR
                + "× of the dependent floor: the machine's DRAM chase through the same array-and-object shape "
                + "(`LatencyFloorBenchmark`, same run) | Throughput figures overlap misses; this one shows the latency "
                + "a single re-arm costs. No dependent operation can beat the chase |\n"
                + "| Expiry | ≤ 100 ns per expired timer and ≥ 10× the heap path; no loop iteration > 5 ms in a herd "
                + "with the budget | ISH's heap expiry costs ~1 µs per timer: ~100 ms stalls at 100k |\n"
                + "| Empty tick | ≤ 100 ns per tick | One tick per " + fmt(TICK_MS) + " ms must be negligible |\n"
                + "| Probe cycle | 0 B per cycle beyond the probe's frame and its write's future | Only the message "
                + "and what Netty's write returns may allocate |\n"
                + "| Footprint | ≤ 64 B of health/timer state per channel; less in all than ISH reader idle (total vs "
                + "total) | ISH ≈ 220–410 B per channel measured |\n"
                + "| Zero allocation | 0 B on read, write, re-arm, expiry after warm-up | GC pressure at 1M "
                + "channels |\n\n");
    }

    // ---- judgement -----------------------------------------------------------------------------------------------

    /** NOT_JUDGED: too few forks; UNSOUND: the measurement contradicts its own premise (its reason says how). */
    private enum Verdict { PASS, MISS, INCONCLUSIVE, NOT_JUDGED, UNSOUND }

    private static Verdict atLeast(Stat s, double target) {
        if (!s.judgeable()) {
            return Verdict.NOT_JUDGED;
        }
        if (s.lo() >= target) {
            return Verdict.PASS;
        }
        return s.hi() < target ? Verdict.MISS : Verdict.INCONCLUSIVE;
    }

    private static Verdict atMost(Stat s, double target) {
        if (!s.judgeable()) {
            return Verdict.NOT_JUDGED;
        }
        if (s.hi() <= target) {
            return Verdict.PASS;
        }
        return s.lo() > target ? Verdict.MISS : Verdict.INCONCLUSIVE;
    }

    private static Verdict both(Verdict a, Verdict b) {
        if (a == Verdict.NOT_JUDGED || b == Verdict.NOT_JUDGED) {
            return Verdict.NOT_JUDGED;
        }
        if (a == Verdict.MISS || b == Verdict.MISS) {
            return Verdict.MISS;
        }
        return a == Verdict.PASS && b == Verdict.PASS ? Verdict.PASS : Verdict.INCONCLUSIVE;
    }

    private void row(StringBuilder summary, String bench, String caseName, String comparator, String vigil,
                     String figure, String target, Verdict verdict, String reason) {
        String result;
        switch (verdict) {
            case PASS:
                passes++;
                result = "pass: " + reason;
                break;
            case MISS:
                result = "**miss**: " + reason;
                break;
            case INCONCLUSIVE:
                result = "**inconclusive** (the target lies inside the interval): " + reason;
                break;
            case UNSOUND:
                result = "**not judged** (the measurement contradicts its premise): " + reason;
                break;
            default:
                result = "not judged (fewer than " + Stat.MIN_FORKS + " forks)";
                break;
        }
        summary.append("| `").append(bench).append("` | ").append(caseName).append(" | ").append(comparator)
                .append(" | ").append(vigil).append(" | ").append(figure).append(" | ").append(target).append(" | ")
                .append(result).append(" |\n");
        if (verdict != Verdict.PASS) {
            notPassed.add(bench + " (" + caseName + ")");
        }
    }

    private void missing(StringBuilder summary, String bench, String caseName, String target) {
        summary.append("| `").append(bench).append("` | ").append(caseName).append(" | — | — | — | ").append(target)
                .append(" | not measured in this run (see its JMH log) |\n");
        notPassed.add(bench + " (" + caseName + ", not measured)");
    }

    // ---- end to end and idle fleet -------------------------------------------------------------------------------

    private static List<?> list(@Nullable Map<?, ?> m, String key) {
        Object o = m == null ? null : m.get(key);
        return o instanceof List ? (List<?>) o : List.of();
    }

    private static double num(Map<?, ?> m, String key) {
        Object o = m.get(key);
        return o instanceof Double ? (Double) o : Double.NaN;
    }

    private static String str(Map<?, ?> m, String key) {
        Object o = m.get(key);
        if (o instanceof Double && (Double) o == Math.rint((Double) o) && Math.abs((Double) o) < 1e15) {
            return String.valueOf(((Double) o).longValue());
        }
        return String.valueOf(o);
    }

    /** The end-to-end modes in the table's order (older records have no {@code tick}). */
    private static final String[] E2E_MODES = {"none", "tick", "ish", "vigil"};

    /** The repetitions of one (transport, mode) as a Stat of one field. */
    private Stat e2eStat(String transport, String mode, String field) {
        List<Double> values = e2eValues(transport, mode, field);
        return Stat.ofForks(values);
    }

    /** The values of one field over the repetitions of one (transport, mode). */
    private List<Double> e2eValues(String transport, String mode, String field) {
        List<Double> values = new ArrayList<>();
        for (Object o : list(e2e, "runs")) {
            Map<?, ?> r = (Map<?, ?>) Objects.requireNonNull(o);
            if (transport.equals(str(r, "transport")) && mode.equals(str(r, "mode")) && !Double.isNaN(num(r, field))) {
                values.add(num(r, field));
            }
        }
        return values;
    }

    /**
     * Which of Vigil's repetitions fall outside none's range on the wrong side, and how wide none's own range is: the
     * measured reason of an end-to-end row that did not pass.
     */
    private String outside(String transport, String field, boolean higherIsBetter, String unit) {
        List<Double> none = e2eValues(transport, "none", field);
        List<Double> vigil = e2eValues(transport, "vigil", field);
        if (none.isEmpty() || vigil.isEmpty()) {
            return "not measured";
        }
        double lo = Collections.min(none);
        double hi = Collections.max(none);
        List<String> worse = new ArrayList<>();
        for (double x : vigil) {
            if (higherIsBetter ? x < lo : x > hi) {
                worse.add(fmt(x));
            }
        }
        return worse.size() + " of " + vigil.size() + " Vigil repetitions " + (higherIsBetter ? "below none's lowest ("
                + fmt(lo) : "above none's highest (" + fmt(hi)) + " " + unit + "): " + String.join(", ", worse)
                + "; none's own repetitions span " + fmt(lo) + "–" + fmt(hi) + " " + unit;
    }

    private void endToEnd(StringBuilder summary, StringBuilder details, String chart) {
        details.append("## End to end: echo/RPC over loopback (`e2e.EchoBench`)\n\n");
        if (e2e == null) {
            details.append("Not measured in this run (`e2e.json` missing).\n\n");
            missing(summary, "EchoBench", "end to end", "within the noise of no keepalive");
            return;
        }
        details.append("A server (this JVM) echoes 64 B length-prefixed requests; a **separate load-generator "
                + "process** (`e2e.EchoLoad`) drives it over loopback. Modes: `none` (no keepalive), `tick` (no "
                + "keepalive, only a task that does nothing scheduled on the server's loop every wheel tick: what a "
                + "periodic scheduled task costs the transport's event loop, apart from any handler; Vigil schedules "
                + "its tick so on epoll, while on NIO, whose select polls through the last half millisecond before "
                + "each scheduled task, a shared thread hands the tick to the loop instead, `TickDriver`), `ish` "
                + "(IdleStateHandler reader idle + a heartbeat prober that pings on idle and closes on a missed "
                + "pong, doing Vigil's job), `vigil` (KeepAliveHandler + heartbeat codec). Saturation: "
                + str(e2e, "connections") + " connections, each with one request in flight, as fast as the server "
                + "answers. Latency: a fixed total rate of " + str(e2e, "rate") + " requests/s (below saturation) "
                + "over the same connections, each request timed from its **intended** send time (HdrHistogram; "
                + "coordinated omission corrected). CPU per request: the server process's CPU time ÷ requests "
                + "served at the fixed rate (warm-up and measurement; what a user pays), and of it the server's event "
                + "loop thread alone (the request path; the rest is JIT compilation, GC and the JVM's other "
                + "threads). Idle time " + str(e2e, "idle") + " and probe interval so that probes run during the "
                + "test. Repetitions interleave the modes; each figure is the median over repetitions with their "
                + "range.\n\n![latency percentiles](").append(chart).append(")\n\n");
        details.append("| transport | mode | requests/s at saturation | p50 µs | p99 µs | p99.9 µs | max µs | "
                + "server CPU µs/request | of it the loop thread |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Object t : list(e2e, "transports")) {
            String transport = String.valueOf(t);
            for (String mode : E2E_MODES) {
                if (e2eValues(transport, mode, "saturationRps").isEmpty()) {
                    continue;
                }
                details.append("| ").append(transport).append(" | ").append(mode).append(" | ")
                        .append(e2eStat(transport, mode, "saturationRps")).append(" | ")
                        .append(e2eStat(transport, mode, "p50Us")).append(" | ")
                        .append(e2eStat(transport, mode, "p99Us")).append(" | ")
                        .append(e2eStat(transport, mode, "p999Us")).append(" | ")
                        .append(e2eStat(transport, mode, "maxUs")).append(" | ")
                        .append(e2eStat(transport, mode, "cpuUsPerRequest")).append(" | ")
                        .append(e2eStat(transport, mode, "loopCpuUsPerRequest")).append(" |\n");
            }
            Stat none = e2eStat(transport, "none", "saturationRps");
            Stat vigil = e2eStat(transport, "vigil", "saturationRps");
            Stat ish = e2eStat(transport, "ish", "saturationRps");
            Stat ratio = vigil.over(none);
            // Within the noise of no keepalive: even Vigil's worst repetition is inside none's range (or above).
            Verdict v = !vigil.judgeable() || !none.judgeable() ? Verdict.NOT_JUDGED : vigil.lo() >= none.lo()
                    ? Verdict.PASS : vigil.hi() < none.lo() ? Verdict.MISS : Verdict.INCONCLUSIVE;
            row(summary, "EchoBench", transport + ", throughput at saturation", "none " + none + "; ISH + prober "
                    + ish + " req/s", vigil + " req/s", "Vigil ÷ none " + ratio.asRatio(), "Vigil's range within or "
                    + "above none's", v, v == Verdict.PASS ? "every Vigil repetition lies within none's range or above"
                            : outside(transport, "saturationRps", true, "req/s"));
            Stat p99n = e2eStat(transport, "none", "p99Us");
            Stat p99v = e2eStat(transport, "vigil", "p99Us");
            Stat p99i = e2eStat(transport, "ish", "p99Us");
            Verdict lv = !p99v.judgeable() || !p99n.judgeable() ? Verdict.NOT_JUDGED : atMost(p99v, p99n.hi());
            row(summary, "EchoBench", transport + ", p99 at " + str(e2e, "rate") + " req/s", "none " + p99n
                    + "; ISH + prober " + p99i + " µs", p99v + " µs", "p99", "Vigil's range ≤ none's upper end", lv,
                    lv == Verdict.PASS ? "every Vigil repetition's p99 lies within none's range or below"
                            : outside(transport, "p99Us", false, "µs"));
            Stat cpuN = e2eStat(transport, "none", "cpuUsPerRequest");
            Stat cpuV = e2eStat(transport, "vigil", "cpuUsPerRequest");
            Stat cpuI = e2eStat(transport, "ish", "cpuUsPerRequest");
            Verdict cv = !cpuV.judgeable() || !cpuN.judgeable() ? Verdict.NOT_JUDGED : atMost(cpuV, cpuN.hi());
            row(summary, "EchoBench", transport + ", server CPU per request at " + str(e2e, "rate") + " req/s",
                    "none " + cpuN + "; ISH + prober " + cpuI + " µs", cpuV + " µs", "CPU µs per request",
                    "Vigil's range ≤ none's upper end", cv, cv == Verdict.PASS
                            ? "every Vigil repetition costs no more CPU per request than none's costliest"
                            : outside(transport, "cpuUsPerRequest", false, "µs") + "; " + cpuSplit(transport));
        }
        details.append('\n');
    }

    /**
     * Where an end-to-end CPU difference lies: Vigil − none for the loop thread and for the whole process, and, where
     * the {@code tick} mode ran, how much of it a periodic scheduled task alone costs the loop (tick − none) and, where
     * Vigil schedules its tick (not NIO, where it is handed over), how much is the handler (Vigil − tick).
     */
    String cpuSplit(String transport) {
        Stat loopN = e2eStat(transport, "none", "loopCpuUsPerRequest");
        Stat loopV = e2eStat(transport, "vigil", "loopCpuUsPerRequest");
        if (Double.isNaN(loopN.value()) || Double.isNaN(loopV.value())) {
            return "the loop thread's share was not recorded in this run";
        }
        Stat whole = e2eStat(transport, "vigil", "cpuUsPerRequest").minus(e2eStat(transport, "none",
                "cpuUsPerRequest"));
        String split = "Vigil − none: whole process " + whole + " µs/request, of which the loop thread (the request "
                + "path) " + loopV.minus(loopN) + " µs/request (loop thread: Vigil " + loopV + ", none " + loopN + ")";
        Stat loopT = e2eStat(transport, "tick", "loopCpuUsPerRequest");
        if (Double.isNaN(loopT.value())) {
            return split;
        }
        String scheduled = "; of the loop thread's, a task doing nothing scheduled at the wheel's tick costs (tick − "
                + "none) " + loopT.minus(loopN) + " µs/request";
        if ("nio".equals(transport)) {
            return split + scheduled + ", which Vigil does not pay on NIO: its tick is handed over, not scheduled";
        }
        return split + scheduled + " and the handler (Vigil − tick) " + loopV.minus(loopT) + " µs/request";
    }

    private List<Chart.Panel> e2ePanels() {
        List<Chart.Panel> panels = new ArrayList<>();
        String[] pct = {"p50", "p99", "p99.9", "max"};
        String[] fields = {"p50Us", "p99Us", "p999Us", "maxUs"};
        String[] modes = {"none", "ish", "vigil"};
        // The latency chart compares the three keepalive modes; the tick mode is an attribution, in the table only.
        for (Object t : list(e2e, "transports")) {
            double[][] v = new double[modes.length][pct.length];
            for (int m = 0; m < modes.length; m++) {
                for (int p = 0; p < pct.length; p++) {
                    v[m][p] = e2eStat(String.valueOf(t), modes[m], fields[p]).value();
                }
            }
            panels.add(new Chart.Panel(t + ": latency at a fixed rate", pct, null,
                    new String[] {"no keepalive", "ISH + prober", "Vigil"}, v, "µs", true));
        }
        if (panels.isEmpty()) {
            panels.add(new Chart.Panel("not measured", new String[0], null, new String[0], new double[0][], "", false));
        }
        return panels;
    }

    void idleFleet(StringBuilder details, String chart) {
        details.append("## Idle fleet (`e2e.IdleFleet`)\n\n");
        if (fleet == null) {
            details.append("Not measured in this run (`fleet.json` missing).\n\n");
            return;
        }
        details.append(str(fleet, "connections")).append(" idle loopback connections held by a server with one "
                + "event loop; the peers live in a **separate process**. Probes run (idle "
                + str(fleet, "idle") + ", interval " + str(fleet, "interval") + "). Over a window of "
                + str(fleet, "window") + ": loop CPU (the loop thread's CPU time ÷ wall time), wake-ups per "
                + "second (the loop thread's context switches), bytes allocated by the loop thread per second, "
                + "GC count, live heap per connection after the window and the detection (heap after a full GC "
                + "minus before the connections, ÷ connections), and the detection time of one peer that stops "
                + "answering (its process stops "
                + "reading that socket, its kernel still ACKs) among them. `kernel` is TCP keepalive alone "
                + "(SO_KEEPALIVE with the same idle and interval): it cannot see a peer whose kernel still ACKs, "
                + "so its detection time is \"none within the bound\". Limited by: " + str(fleet, "limit")
                + ".\n\n![idle fleet](" + chart + ")\n\n");
        int reps = (int) num(fleet, "reps");
        details.append(reps > 1 ? "Every mode ran " + reps + " times, each run in a fresh JVM (" + str(fleet, "runHeap")
                + " heap, pre-touched), the modes interleaved and their order rotated each round; each figure is the "
                + "median over the runs with their range [min, max]. " : "One run per mode: these figures have no "
                + "interval. ");
        details.append("Nothing here is judged (no target). Probes/s: the server's probes the peers received per "
                + "second over the window (they count them); loop alloc per probe = loop alloc B/s ÷ probes/s, per "
                + "run (everything the loop thread allocated, including the probe's and the reply's buffers and "
                + "I/O).\n\n");
        details.append("| mode | runs | loop CPU % | wake-ups/s | probes/s | loop alloc B/s | loop alloc B per probe | GCs "
                + "| live heap B/connection | detection of a dead peer |\n|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder byClass = new StringBuilder();
        for (String mode : fleetModes()) {
            List<Map<?, ?>> runs = fleetRuns(mode);
            details.append("| ").append(mode).append(" | ").append(runs.size()).append(" | ")
                    .append(fleetStat(runs, "loopCpuPct")).append(" | ").append(fleetStat(runs, "wakeupsPerSec"))
                    .append(" | ").append(fleetStat(runs, "probesPerSec")).append(" | ")
                    .append(fleetStat(runs, "allocBytesPerSec")).append(" | ").append(allocPerProbe(runs))
                    .append(" | ").append(fleetStat(runs, "gcCount")).append(" | ")
                    .append(fleetStat(runs, "heapBytesPerConnection")).append(" | ").append(detection(runs))
                    .append(" |\n");
            Map<?, ?> median = medianHeapRun(runs);
            Object top = median == null ? null : median.get("heapTop");
            if (top instanceof String && !((String) top).isEmpty()) {
                byClass.append("| ").append(mode).append(" | ").append(str(median, "heapBytesPerConnection"))
                        .append(" | ").append(((String) top).replace("=", " ").replace("; ", " B · ")).append(" B |\n");
            }
        }
        if (byClass.length() > 0) {
            details.append("\n**Live heap by class** (heap histogram after the window and the detection minus before "
                    + "the connections, ÷ connections; the eight classes that grew most, in bytes per connection; the "
                    + "server and its pipelines only, the peers being another process; from each mode's run with the "
                    + "median live heap):\n\n| mode | live heap B/connection of that run | classes |\n|---|---|---|\n")
                    .append(byClass);
        }
        details.append('\n');
    }

    /** The fleet's modes in the order of their first run. */
    private List<String> fleetModes() {
        List<String> modes = new ArrayList<>();
        for (Object o : list(fleet, "runs")) {
            String mode = str((Map<?, ?>) Objects.requireNonNull(o), "mode");
            if (!modes.contains(mode)) {
                modes.add(mode);
            }
        }
        return modes;
    }

    private List<Map<?, ?>> fleetRuns(String mode) {
        List<Map<?, ?>> runs = new ArrayList<>();
        for (Object o : list(fleet, "runs")) {
            Map<?, ?> r = (Map<?, ?>) Objects.requireNonNull(o);
            if (mode.equals(str(r, "mode"))) {
                runs.add(r);
            }
        }
        return runs;
    }

    private static Stat fleetStat(List<Map<?, ?>> runs, String field) {
        List<Double> values = new ArrayList<>();
        for (Map<?, ?> r : runs) {
            if (!Double.isNaN(num(r, field))) {
                values.add(num(r, field));
            }
        }
        return Stat.ofForks(values);
    }

    private static Stat allocPerProbe(List<Map<?, ?>> runs) {
        List<Double> values = new ArrayList<>();
        for (Map<?, ?> r : runs) {
            if (num(r, "probesPerSec") > 0) {
                values.add(num(r, "allocBytesPerSec") / num(r, "probesPerSec"));
            }
        }
        return Stat.ofForks(values);
    }

    /** Detection time over the runs that detected the dead peer, and how many did when not all. */
    private static String detection(List<Map<?, ?>> runs) {
        List<Double> detected = new ArrayList<>();
        for (Map<?, ?> r : runs) {
            if (num(r, "detectionMs") >= 0) {
                detected.add(num(r, "detectionMs"));
            }
        }
        if (detected.isEmpty()) {
            return runs.isEmpty() ? "—" : "none within " + str(runs.get(0), "detectionBound");
        }
        String stat = Stat.ofForks(detected) + " ms";
        return detected.size() == runs.size() ? stat : stat + " (" + detected.size() + " of " + runs.size()
                + " runs detected it within " + str(runs.get(0), "detectionBound") + ")";
    }

    /** The run whose live heap per connection is the median (the lower middle one for an even count). */
    private static @Nullable Map<?, ?> medianHeapRun(List<Map<?, ?>> runs) {
        List<Map<?, ?>> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(r -> num(r, "heapBytesPerConnection")));
        return sorted.isEmpty() ? null : sorted.get((sorted.size() - 1) / 2);
    }

    private Stat acceptStat(String transport, String mode) {
        List<Double> values = new ArrayList<>();
        for (Object o : list(accept, "runs")) {
            Map<?, ?> r = (Map<?, ?>) Objects.requireNonNull(o);
            if (transport.equals(str(r, "transport")) && mode.equals(str(r, "mode"))) {
                values.add(num(r, "acceptsPerSecond"));
            }
        }
        return Stat.ofForks(values);
    }

    private String appliedShare(String transport) {
        double reports = 0;
        double applied = 0;
        for (Object o : list(accept, "runs")) {
            Map<?, ?> r = (Map<?, ?>) Objects.requireNonNull(o);
            if (transport.equals(str(r, "transport")) && "listener+report".equals(str(r, "mode"))) {
                reports += num(r, "reports");
                applied += num(r, "allApplied");
            }
        }
        return reports > 0 && !Double.isNaN(applied) ? fmt(applied * 100 / reports) + " %" : "—";
    }

    private void acceptPath(StringBuilder summary, StringBuilder details) {
        details.append("## Accept path (`e2e.AcceptBench`)\n\n");
        if (accept == null) {
            details.append("Not measured in this run (`accept.json` missing).\n\n");
            missing(summary, "AcceptBench", "accepts per second", "listener way ≥ per child");
            return;
        }
        details.append("Accepted connections per second (a separate client process with " + str(accept,
                "clientThreads") + " threads connects, waits for the server's first byte, resets). `child`: "
                + "`SocketKeepAlive` with `AcceptPath.EACH_CHILD`, five `setsockopt` and five `getsockopt` "
                + "per child; `listener+report`: `AcceptPath.LISTENER` with `childReports(1)`, the options set once on "
                + "the listening socket (Linux copies them to every accepted socket), each child only reading them "
                + "back for its report (five `getsockopt`); `listener`: the default, `AcceptPath.LISTENER` with the "
                + "first child and one in 1024 read back, no per-child work for the others; `none`: no options. NIO's "
                + "server socket takes the three `TCP_KEEP*` options but not `SO_KEEPALIVE`, so there each child of "
                + "the listener modes still sets that one and reports. `children fully applied`: the share of "
                + "listener+report children whose read-back found every option as requested (the verification on "
                + "accepted sockets; never on NIO, which has no `TCP_USER_TIMEOUT`). "
                + "Median over repetitions [range].\n\n"
                + "| transport | none | child | listener+report | listener | read-back cost per accept | children "
                + "fully applied (listener+report) |\n|---|---|---|---|---|---|---|\n");
        for (String transport : new String[] {"epoll", "nio"}) {
            Stat none = acceptStat(transport, "none");
            Stat child = acceptStat(transport, "child");
            Stat lr = acceptStat(transport, "listener+report");
            Stat l = acceptStat(transport, "listener");
            if (Double.isNaN(none.value()) && Double.isNaN(child.value())) {
                continue;
            }
            double readBack = l.value() > 0 && lr.value() > 0 ? 1e6 / lr.value() - 1e6 / l.value() : Double.NaN;
            details.append("| ").append(transport).append(" | ").append(none).append(" | ").append(child)
                    .append(" | ").append(lr).append(" | ").append(l).append(" | ")
                    .append(Double.isNaN(readBack) ? "—" : fmt(readBack) + " µs").append(" | ")
                    .append(appliedShare(transport)).append(" |\n");
            if (!Double.isNaN(lr.value())) {
                Stat ratio = lr.over(child);
                Verdict v = atLeast(ratio, 1.0);
                row(summary, "AcceptBench", transport + ", options on the listener (with read-back) vs per child",
                        "per child " + child + "/s", "listener + read-back " + lr + "/s", "ratio " + ratio + "×",
                        "listener way ≥ per child", v, v == Verdict.PASS ? "five setsockopt per accepted "
                                + "connection saved; the read-back report is kept" : "the repetitions spread more "
                                + "than the options cost: without any options they span " + fmt(none.lo()) + "–"
                                + fmt(none.hi()) + "/s, while by the medians the per-child options cost "
                                + fmt(1e6 / child.value() - 1e6 / l.value()) + " µs per accept against the "
                                + "default listener way");
            }
        }
        details.append("\nThe read-back cost column is what reading back every child costs per accept "
                + "(listener+report against listener). `SocketKeepAlive.configure(ServerBootstrap)` sets the options "
                + "on the listener by default (`AcceptPath.LISTENER`; on epoll and io_uring as raw socket options "
                + "through `vigil-epoll`, since Netty's server-socket configs refuse the typed keepalive options), "
                + "reads the listener back once and samples the children.\n\n");
    }

    private List<Chart.Panel> fleetPanels() {
        List<String> modes = fleetModes();
        double[][] cpu = new double[1][modes.size()];
        double[][] heap = new double[1][modes.size()];
        for (int i = 0; i < modes.size(); i++) {
            List<Map<?, ?>> runs = fleetRuns(modes.get(i));
            cpu[0][i] = fleetStat(runs, "loopCpuPct").value();
            heap[0][i] = fleetStat(runs, "heapBytesPerConnection").value();
        }
        String[] groups = modes.toArray(new String[0]);
        return List.of(new Chart.Panel("Loop CPU, % of a core (median over runs)", groups, null,
                        new String[] {"loop CPU"}, cpu, "%", false),
                new Chart.Panel("Live heap per connection (median over runs)", groups, null, new String[] {"bytes"},
                        heap, "B", false));
    }

    // ---- read path -----------------------------------------------------------------------------------------------

    /** The channel counts a benchmark was run at, in increasing order, or {@code defaults} if none. */
    private String[] scales(String bench, String[] defaults) {
        java.util.TreeSet<Long> found = new java.util.TreeSet<>();
        for (Results.Row r : results.rows()) {
            String c = r.params().get("channels");
            if (r.benchmark().equals(bench) && c != null) {
                found.add(Long.parseLong(c));
            }
        }
        return found.isEmpty() ? defaults : found.stream().map(String::valueOf).toArray(String[]::new);
    }

    private @Nullable Stat stat(String bench, String... params) {
        Results.Row r = results.find(bench, params);
        return r == null ? null : r.stat();
    }

    private void readPath(StringBuilder summary, StringBuilder details) {
        details.append("## ReadPathBenchmark\n\nOne read batch (`channelRead` + `channelReadComplete`) on the next "
                + "channel in a shuffled cycle. ns per batch; overhead = mode − bare. `hop` only passes reads on: the "
                + "floor any handler in the pipeline pays. ISH = reader idle (the matched comparator); ISH(all) "
                + "for reference. The channels are in memory, without `TCP_INFO`, so Vigil takes the path it takes on "
                + "NIO: besides the stamp, one clock read per read batch that carried data (in "
                + "`channelReadComplete`, to bound the last arrival tightly), as ISH reads the clock per batch; on "
                + "epoll and io_uring the tick reads the kernel's receipt instead and Vigil's read path has no clock "
                + "read. **Vigil epoll** is that path: the same handler on in-memory channels that show it a kernel "
                + "view as epoll does (`KernelViewChannel`; the view has no sample, which only the tick would take). "
                + "Both paths are judged against ISH.\n\n| channels | bare | hop | ISH | ISH(all) | Vigil | Vigil "
                + "epoll | hop overhead | ISH overhead | Vigil overhead | ratio | Vigil epoll overhead | ratio | Vigil "
                + "B/op |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        double[][] chart = new double[3][SCALE.length];
        StringBuilder codecRows = new StringBuilder();
        for (int s = 0; s < SCALE.length; s++) {
            String c = SCALE[s];
            String b = "ReadPathBenchmark.readBatch";
            Results.Row vigilRow = results.find(b, "channels", c, "impl", "vigil");
            Stat bare = stat(b, "channels", c, "impl", "bare");
            Stat hop = stat(b, "channels", c, "impl", "hop");
            Stat codec = stat(b, "channels", c, "impl", "codec-stamp");
            Stat fed = stat(b, "channels", c, "impl", "vigil-codec");
            Stat ish = stat(b, "channels", c, "impl", "ish");
            Stat all = stat(b, "channels", c, "impl", "ish-all");
            Stat vigil = vigilRow == null ? null : vigilRow.stat();
            Results.Row epollRow = results.find(b, "channels", c, "impl", "vigil-epoll");
            double target = s == 0 ? 4 : 2;
            String caseName = "read batch, " + human(c) + " channels";
            if (bare == null || ish == null || vigil == null) {
                missing(summary, "ReadPathBenchmark", caseName, "≥ " + fmt(target) + "×, 0 B/op");
                continue;
            }
            Stat io = ish.minus(bare);
            Stat vo = vigil.minus(bare);
            Stat ho = hop == null ? null : hop.minus(bare);
            Stat r = io.over(vo);
            chart[0][s] = io.value();
            chart[1][s] = vo.value();
            Stat eo = epollRow == null ? null : epollRow.stat().minus(bare);
            chart[2][s] = eo == null ? Double.NaN : eo.value();
            if (codec != null && hop != null) {
                Stat stampCost = codec.minus(hop);
                codecRows.append("| ").append(human(c)).append(" | ").append(stampCost).append(" | ")
                        .append(fed == null ? "—" : fed.minus(hop).toString()).append(" | ")
                        .append(vo).append(" | ").append(vo.minus(fed == null ? stampCost : fed.minus(hop)))
                        .append(" |\n");
            }
            double alloc = vigilRow.allocPerOp();
            Verdict v = alloc < 1 ? atLeast(r, target) : Verdict.MISS;
            details.append("| ").append(human(c)).append(" | ").append(bare).append(" | ").append(opt(hop))
                    .append(" | ").append(ish).append(" | ").append(opt(all)).append(" | ").append(vigil)
                    .append(" | ").append(epollRow == null ? "—" : epollRow.stat().toString())
                    .append(" | ").append(opt(ho)).append(" | ").append(io).append(" | ").append(vo).append(" | ")
                    .append(r.asRatio()).append(" | ").append(opt(eo)).append(" | ")
                    .append(eo == null ? "—" : io.over(eo).asRatio()).append(" | ").append(bytes(alloc))
                    .append(" |\n");
            String hopText = ho == null ? "" : "one more handler costs " + ho + " ns by itself (`hop`), "
                    + fmt(ho.value() / io.value() * 100) + " % of ISH's overhead; ";
            row(summary, "ReadPathBenchmark", caseName, "ISH(reader) " + io + " ns", vo + " ns, " + bytes(alloc),
                    "ISH ÷ Vigil overhead " + r + "×", "≥ " + fmt(target) + "×, 0 B/op", v,
                    v == Verdict.PASS ? "Vigil stores the loop's cached time where ISH reads the clock; " + hopText
                            : alloc >= 1 ? "allocation on the read path" : hopText + (s == 0
                            ? "the target needs a stamp from a handler the application already has (the "
                            + "`HealthFeed` API from a codec), not a pipeline handler of its own"
                            : "at this scale both are bound by cache misses on the handler context and object"));
            if (eo != null) {
                Stat re = io.over(eo);
                double epollAlloc = epollRow.allocPerOp();
                Verdict ve = epollAlloc < 1 ? atLeast(re, target) : Verdict.MISS;
                row(summary, "ReadPathBenchmark", caseName + ", epoll path", "ISH(reader) " + io + " ns",
                        eo + " ns, " + bytes(epollAlloc), "ISH ÷ Vigil overhead " + re + "×",
                        "≥ " + fmt(target) + "×, 0 B/op", ve, epollAlloc >= 1 ? "allocation on the read path"
                                : "no clock read (Vigil epoll − Vigil = " + epollRow.stat().minus(vigil)
                                + " ns: the NIO path's clock read at the end of the batch)"
                                + (ho == null ? "" : "; one more handler alone (`hop`) is " + fmt(ho.value()
                                / eo.value() * 100) + " % of this overhead by the medians")
                                + (ve == Verdict.PASS ? "; one store of the loop's cached time where ISH reads the "
                                + "clock" : ""));
            }
        }
        if (codecRows.length() > 0) {
            details.append("\n**Stamping from inside a codec** (`codec-stamp`): a handler the application already has "
                    + "(a codec, here a hop) that also stores the loop's cached time, as a codec calling "
                    + "`HealthFeed.inboundSeen()` does, so that no keepalive handler sits on the read path. What the "
                    + "stamp costs inside the codec (codec-stamp − hop), what Vigil's own handler costs (Vigil "
                    + "overhead), and the saving. `vigil-codec` is the supported way, `ReadPath.CODEC` (the codec "
                    + "feeds Vigil through `CodecFeed`; the keepalive is a `FedKeepAliveHandler`, which Netty skips on "
                    + "the read path): its cost is vigil-codec − hop, the application's codec being there anyway; the "
                    + "saving is Vigil overhead minus it.\n\n| channels | stamp in codec (simulated) | `ReadPath.CODEC`"
                    + " (vigil-codec − hop) | Vigil handler (Vigil − bare) | saving |\n|---|---|---|---|---|\n")
                    .append(codecRows);
        }
        overheadPanels.add(new Chart.Panel("Read path: overhead over bare (ns per batch)", new String[] {"1k", "100k",
            "1M"}, SCALE_X, new String[] {"ISH reader idle", "Vigil (NIO path)", "Vigil (epoll path)"}, chart, "ns", true));
        details.append('\n');
    }

    // ---- write path ----------------------------------------------------------------------------------------------

    private void writePath(StringBuilder summary, StringBuilder details) {
        details.append("## WritePathBenchmark\n\nOne `write` on the next channel; a sink next to the head completes "
                + "the promise. **Matched comparator:** ISH with reader idle only (it does Vigil's job and, like "
                + "Vigil, does not intercept writes). **Labelled, not like for like:** ISH(all) with writer and all "
                + "idle, a feature Vigil does not have (it un-voids the promise, 48 B, and adds a listener that reads "
                + "the clock); it is shown so that users of writer idle see its cost, and not judged.\n\n"
                + "| channels | promise | bare | ISH(reader) | ISH(all) | Vigil | ISH(reader) overhead | ISH(all) "
                + "overhead | Vigil overhead | matched ratio | all-idle ratio (labelled) | ISH(all) B/op | Vigil − "
                + "bare B/op |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        double[][] chart = new double[3][2];
        String[] scales = {"1000", "100000"};
        for (int s = 0; s < scales.length; s++) {
            String c = scales[s];
            for (String promise : new String[] {"void", "real"}) {
                String b = "WritePathBenchmark.write";
                Results.Row bareRow = results.find(b, "channels", c, "impl", "bare", "promise", promise);
                Results.Row allRow = results.find(b, "channels", c, "impl", "ish-all", "promise", promise);
                Results.Row vigilRow = results.find(b, "channels", c, "impl", "vigil", "promise", promise);
                Stat ish = stat(b, "channels", c, "impl", "ish", "promise", promise);
                String caseName = "write, " + promise + " promise, " + human(c) + " channels (matched)";
                if (bareRow == null || ish == null || vigilRow == null) {
                    missing(summary, "WritePathBenchmark", caseName, "≤ ISH(reader), 0 B/write");
                    continue;
                }
                Stat bare = bareRow.stat();
                Stat io = ish.minus(bare);
                Stat vo = vigilRow.stat().minus(bare);
                Stat ao = allRow == null ? null : allRow.stat().minus(bare);
                Stat r = io.over(vo);
                if ("void".equals(promise)) {
                    chart[0][s] = io.value();
                    chart[1][s] = ao == null ? Double.NaN : ao.value();
                    chart[2][s] = vo.value();
                }
                double extra = vigilRow.allocPerOp() - bareRow.allocPerOp();
                // Not slower than the matched comparator: Vigil's overhead's lower end at most ISH's upper end.
                Verdict v = extra >= 1 ? Verdict.MISS : !r.judgeable() ? Verdict.NOT_JUDGED
                        : vo.lo() <= io.hi() ? (vo.hi() <= io.hi() ? Verdict.PASS : Verdict.INCONCLUSIVE)
                        : Verdict.MISS;
                details.append("| ").append(human(c)).append(" | ").append(promise).append(" | ").append(bare)
                        .append(" | ").append(ish).append(" | ").append(allRow == null ? "—" : allRow.stat())
                        .append(" | ").append(vigilRow.stat()).append(" | ").append(io).append(" | ")
                        .append(opt(ao)).append(" | ").append(vo).append(" | ").append(r.asRatio()).append(" | ")
                        .append(ao == null ? "—" : ao.over(vo).asRatio()).append(" | ")
                        .append(allRow == null ? "—" : bytes(allRow.allocPerOp())).append(" | ")
                        .append(bytes(Math.max(0, extra))).append(" |\n");
                row(summary, "WritePathBenchmark", caseName, "ISH(reader) " + io + " ns", vo + " ns, +"
                                + bytes(Math.max(0, extra)), "overheads", "≤ ISH(reader)'s, 0 B/write", v,
                        v == Verdict.PASS ? "both are one more context on the write path; Vigil reads write progress "
                                + "from the outbound buffer at its tick instead"
                                : extra >= 1 ? "allocation on the write path" : v == Verdict.MISS
                                ? "Vigil's whole range lies above ISH(reader)'s: its handler costs more per write"
                                : "the ranges overlap: the forks of each spread over " + fmt(vo.hi() - vo.lo())
                                + " ns (Vigil) and " + fmt(io.hi() - io.lo()) + " ns (ISH), more than the "
                                + fmt(vo.value() - io.value()) + " ns between the medians; at this scale both "
                                + "overheads are one more context's cache misses");
            }
        }
        overheadPanels.add(new Chart.Panel("Write path (void promise): overhead over bare (ns)",
                new String[] {"1k", "100k"}, new double[] {1e3, 1e5},
                new String[] {"ISH reader idle (matched)", "ISH all idle (labelled)", "Vigil"}, chart, "ns", true));
        details.append('\n');
    }

    // ---- timer designs: re-arm, arm-cancel, per-read paths --------------------------------------------------------

    private void timers(StringBuilder summary, StringBuilder details) {
        details.append("## Timer designs: RearmBenchmark and ArmCancelBenchmark\n\n"
                + "Whole operations on the next channel of a shuffled order (independent operations, so cache misses "
                + "overlap: throughput), passes alternating between two independent shuffled orders so that the "
                + "previous pass's slot neighbours are not the next channels due. Designs: `heap` = Netty's loop "
                + "scheduler (`schedule` + `cancel`, a "
                + "`ScheduledFutureTask` per arm: **a heap timer, not what IdleStateHandler does per read**); `hwt` = "
                + "Netty's HashedWheelTimer, caller side (its worker links and unlinks on another thread); `agrona` "
                + "= Agrona's DeadlineTimerWheel; `vigil` = Vigil's wheel. **Floor** = Vigil's same-slot re-arm, a "
                + "no-op that only reaches the channel's state: it is not a re-arm and is never judged as one. "
                + "ArmCancel: arm a 5 s probe timeout on the next channel, cancel the one armed 64 operations "
                + "earlier, every channel also holding an idle timer.\n\n"
                + "| channels | operation | " + String.join(" | ", DESIGN_LABEL) + " | floor | Vigil ÷ floor | "
                + "B/op (" + String.join(" / ", DESIGNS) + ") |\n|---|---|---|---|---|---|---|---|---|\n");
        double[][] rearmChart = new double[DESIGNS.length + 1][SCALE.length];
        double[][] cancelChart = new double[DESIGNS.length][SCALE.length];
        for (double[] a : rearmChart) {
            Arrays.fill(a, Double.NaN);
        }
        for (double[] a : cancelChart) {
            Arrays.fill(a, Double.NaN);
        }
        for (int s = 0; s < SCALE.length; s++) {
            String c = SCALE[s];
            Stat floor = stat("RearmBenchmark.rearm", "channels", c, "impl", "vigil", "deadlines", "same-slot");
            rearmChart[DESIGNS.length][s] = floor == null ? Double.NaN : floor.value();
            designRow(summary, details, "RearmBenchmark", "RearmBenchmark.rearm", "re-arm, random deadline", c,
                    floor, rearmChart, s, "deadlines", "random");
            designRow(summary, details, "ArmCancelBenchmark", "ArmCancelBenchmark.armCancel", "arm + cancel", c,
                    floor, cancelChart, s);
            // What each handler really pays per read for its idle timer.
            Stat ir = stat("RearmBenchmark.rearm", "channels", c, "impl", "ish-read", "deadlines", "random");
            Stat vr = stat("RearmBenchmark.rearm", "channels", c, "impl", "vigil-read", "deadlines", "random");
            if (ir != null && vr != null) {
                details.append("| ").append(human(c)).append(" | per-read timer work: ISH (clock read + store) ")
                        .append(ir).append(" ns; Vigil (cached-time store) ").append(vr).append(" ns; ratio ")
                        .append(ir.over(vr).asRatio()).append(" | | | | | | | |\n");
            }
        }
        String[] series = new String[DESIGNS.length + 1];
        System.arraycopy(DESIGN_LABEL, 0, series, 0, DESIGNS.length);
        series[DESIGNS.length] = "floor (state read)";
        overheadPanels.add(new Chart.Panel("Timer re-arm, random deadline (ns per op)", new String[] {"1k", "100k",
            "1M"}, SCALE_X, series, rearmChart, "ns", true));
        overheadPanels.add(new Chart.Panel("Probe arm + cancel (ns per op)", new String[] {"1k", "100k", "1M"},
                SCALE_X, DESIGN_LABEL, cancelChart, "ns", true));
        details.append("\nIdleStateHandler does not re-arm per read: it stores a clock read per read batch (the "
                + "per-read rows above, and `ReadPathBenchmark` for the whole path) and re-arms only when its timer "
                + "fires (`ExpirySweepBenchmark`).\n\n");
    }

    private void designRow(StringBuilder summary, StringBuilder details, String bench, String method, String op,
                           String c, @Nullable Stat floor, double[][] chart, int s, String... extra) {
        Stat[] st = new Stat[DESIGNS.length];
        String[] alloc = new String[DESIGNS.length];
        Results.Row vigilRow = null;
        for (int d = 0; d < DESIGNS.length; d++) {
            String[] params = concat(new String[] {"channels", c, "impl", DESIGNS[d]}, extra);
            Results.Row r = results.find(method, params);
            st[d] = r == null ? null : r.stat();
            alloc[d] = r == null ? "—" : bytes(r.allocPerOp());
            chart[d][s] = r == null ? Double.NaN : r.stat().value();
            if ("vigil".equals(DESIGNS[d])) {
                vigilRow = r;
            }
        }
        String caseName = op + ", " + human(c) + " timers";
        if (vigilRow == null || floor == null) {
            missing(summary, bench, caseName, "≤ " + FLOOR_FACTOR + "× floor, ahead of the others, 0 B/op");
            return;
        }
        Stat vigil = vigilRow.stat();
        Stat toFloor = vigil.over(floor);
        details.append("| ").append(human(c)).append(" | ").append(op);
        for (Stat x : st) {
            details.append(" | ").append(opt(x));
        }
        details.append(" | ").append(floor).append(" | ").append(toFloor.asRatio()).append(" | ")
                .append(String.join(" / ", alloc)).append(" |\n");
        Verdict v = vigilRow.allocPerOp() >= 1 ? Verdict.MISS : atMost(toFloor, FLOOR_FACTOR);
        StringBuilder comparators = new StringBuilder();
        List<String> behind = new ArrayList<>();
        for (int d = 0; d < DESIGNS.length - 1; d++) {
            if (st[d] == null) {
                continue;
            }
            Stat ratio = st[d].over(vigil);
            comparators.append(DESIGNS[d]).append(' ').append(st[d]).append(" (").append(ratio).append("×); ");
            Verdict a = atLeast(ratio, 1.0);
            if (a != Verdict.PASS) {
                behind.add(DESIGNS[d]);
            }
            v = both(v, a);
        }
        row(summary, bench, caseName, comparators.toString().strip(), vigil + " ns, " + bytes(vigilRow.allocPerOp()),
                "Vigil ÷ floor " + toFloor + "×", "≤ " + FLOOR_FACTOR + "× floor, ahead of heap/hwt/agrona, 0 B/op", v,
                v == Verdict.PASS ? "an unlink and a link near the floor (" + floor + " ns to reach the state)"
                        : designReason(method, c, toFloor, behind));
    }

    /** The measured reason a timer-design row did not pass. */
    private static String designReason(String method, String channels, Stat toFloor, List<String> behind) {
        boolean armCancel = method.startsWith("ArmCancel");
        StringBuilder why = new StringBuilder();
        if (toFloor.hi() > FLOOR_FACTOR) {
            if ("1000".equals(channels)) {
                why.append("at 1k every state is in cache (the floor is a cached read), so the difference is the "
                        + "work itself: ").append(armCancel ? "an arm and a cancel, two unlinks and a link"
                        : "an unlink and a link").append(", not misses");
            } else {
                why.append(armCancel ? "an arm and a cancel reach the armed channel's state (cold) and the slot "
                        + "neighbours of both entries (cold at this scale; the cancelled entry itself was armed 64 "
                        + "operations earlier and is still cached), where the floor reaches one state"
                        : "beyond the state, the unlink and the link touch the old and the new slot neighbours, cold "
                        + "at this scale, where the floor reaches one state");
            }
        }
        if (!behind.isEmpty()) {
            if (why.length() > 0) {
                why.append("; ");
            }
            why.append("not clearly ahead of ").append(String.join(", ", behind)).append(" in this run");
            if (behind.contains("hwt")) {
                why.append(" (HashedWheelTimer's caller only enqueues the timeout or its cancellation; its worker "
                        + "thread links and unlinks, a cost these figures do not include)");
            }
        }
        return why.length() == 0 ? "the interval straddles the target" : why.toString();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- latency-bound -------------------------------------------------------------------------------------------

    private void latencyBound(StringBuilder summary, StringBuilder details) {
        details.append("## Latency-bound re-arm at 1M (`RearmLatencyBenchmark`) and the memory floor "
                + "(`LatencyFloorBenchmark`)\n\nOne dependent operation at a time: the next channel is read from the "
                + "state of the one just re-armed, so no miss overlaps another. Passes alternate between two "
                + "independent random cycles: with one fixed cycle, unlinking a channel touched its slot neighbours, "
                + "which were the channels due a few operations later, and brought them into the cache (the earlier "
                + "record measured Vigil's dependent re-arm at 126 ns, half the chase, for that reason). The "
                + "floor, measured in the same run: "
                + "64 B objects referenced from an array, chased in one random cycle (`chase`: two dependent misses, "
                + "the array slot and the object, as every operation here pays), and the same reads without the "
                + "dependency (`stride`, the floor of the throughput figures).\n\n| what | 1k | 100k | 1M |\n"
                + "|---|---|---|---|\n");
        for (String access : new String[] {"chase", "stride"}) {
            details.append("| memory floor, ").append(access);
            for (String c : SCALE) {
                details.append(" | ").append(opt(stat("LatencyFloorBenchmark.step", "channels", c, "access", access)));
            }
            details.append(" |\n");
        }
        String at = scales("RearmLatencyBenchmark.rearmDependent", new String[] {"1000000"})[0];
        Stat chase = stat("LatencyFloorBenchmark.step", "channels", at, "access", "chase");
        for (String impl : new String[] {"heap", "vigil"}) {
            for (String d : new String[] {"random", "same-slot"}) {
                details.append("| ").append(impl).append(" dependent re-arm, ").append(d);
                for (String c : SCALE) {
                    details.append(" | ").append(opt(stat("RearmLatencyBenchmark.rearmDependent", "channels", c,
                            "impl", impl, "deadlines", d)));
                }
                details.append(" |\n");
            }
        }
        details.append('\n');
        String b = "RearmLatencyBenchmark.rearmDependent";
        Stat vigil = stat(b, "channels", at, "impl", "vigil", "deadlines", "random");
        Stat floor = stat(b, "channels", at, "impl", "vigil", "deadlines", "same-slot");
        Stat heap = stat(b, "channels", at, "impl", "heap", "deadlines", "random");
        if (vigil == null || floor == null) {
            missing(summary, "RearmLatencyBenchmark", "dependent re-arm, 1M", "≤ " + FLOOR_FACTOR + "× floor");
            return;
        }
        // The floor of one dependent operation is the machine's dependent chase through the same shape (an array
        // slot, then the object), measured in the same run; Vigil's same-slot re-arm is shown next to it. A chain
        // measured clearly below the chase is not one operation at a time: the row is then not judged.
        Stat r = chase == null ? Stat.NONE : vigil.over(chase);
        boolean belowChase = chase != null && vigil.hi() < chase.lo() / FLOOR_FACTOR;
        Verdict v = chase == null ? Verdict.NOT_JUDGED : belowChase ? Verdict.UNSOUND : atMost(r, FLOOR_FACTOR);
        row(summary, "RearmLatencyBenchmark", "dependent re-arm, " + human(at) + " timers", "heap " + opt(heap)
                + " ns; Vigil same-slot " + floor + " ns", vigil + " ns", "Vigil ÷ DRAM chase " + opt(chase) + " ns: "
                + r.asRatio(), "≤ " + FLOOR_FACTOR + "× the chase", v, belowChase ? "Vigil's random re-arm (" + vigil
                + " ns) measured well below the machine's dependent chase through the same array-and-object shape ("
                + chase + " ns), which a chain of one dependent operation at a time cannot be: operations overlapped"
                : v == Verdict.PASS ? "one dependent re-arm costs about the two dependent misses that reach a "
                + "random channel's state; the unlink and the link's own misses overlap them"
                : "beyond the two misses that reach the state, the unlink and the link wait on the slot neighbours' "
                + "misses");
    }

    // ---- expiry --------------------------------------------------------------------------------------------------

    private void expiry(StringBuilder summary, StringBuilder details) {
        details.append("## ExpirySweepBenchmark\n\n**Wheel tick " + fmt(TICK_MS) + " ms: every Vigil expiry below "
                + "is at most one tick late (never early), plus the ticks a herd's carry-over takes.** What is "
                + "measured, precisely: the timer structures' own expiry work with a stub callback (a counter and "
                + "a re-arm one period later, as idle timers do), not the handlers' expiry (that is in "
                + "`ProbeCycleBenchmark`, with the real handlers). The timers due in one step lie at random places "
                + "in memory (phases assigned through a shuffled permutation), not at a regular stride. ISH = tasks "
                + "on the loop's shared heap, each expiry reading the clock and scheduling a new task, as "
                + "IdleStateHandler's timer does. ns per expired timer = ns per step ÷ timers due per step.\n\n"
                + "| timers | due per step | ISH ns/timer | Vigil ns/timer | ratio | ISH B/timer | Vigil B/timer |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (String c : scales("ExpirySweepBenchmark.sweep", new String[] {"100000", "1000000"})) {
            for (String due : new String[] {"1", "100", "1000"}) {
                Results.Row ish = results.find("ExpirySweepBenchmark.sweep", "channels", c, "impl", "ish",
                        "duePerMille", due);
                Results.Row vigil = results.find("ExpirySweepBenchmark.sweep", "channels", c, "impl", "vigil",
                        "duePerMille", due);
                double perStep = Double.parseDouble(c) * Double.parseDouble(due) / 1000;
                String pct = fmt(Double.parseDouble(due) / 10) + " %";
                String caseName = "expiry, " + pct + " of " + human(c) + " due";
                if (ish == null || vigil == null) {
                    missing(summary, "ExpirySweepBenchmark", caseName, "≤ 100 ns/timer, ≥ 10×");
                    continue;
                }
                Stat in = ish.stat().times(1 / perStep);
                Stat vn = vigil.stat().times(1 / perStep);
                Stat r = in.over(vn);
                Verdict v = both(atMost(vn, 100), atLeast(r, 10));
                details.append("| ").append(human(c)).append(" | ").append(pct).append(" (").append(fmt(perStep))
                        .append(") | ").append(in).append(" | ").append(vn).append(" | ").append(r.asRatio()).append(" | ")
                        .append(bytes(ish.allocPerOp() / perStep)).append(" | ")
                        .append(bytes(vigil.allocPerOp() / perStep)).append(" |\n");
                row(summary, "ExpirySweepBenchmark", caseName, "ISH heap " + in + " ns/timer", vn + " ns/timer",
                        "ratio " + r.asRatio() + "; Vigil ns/timer", "≤ 100 ns/timer, ≥ 10×", v, v == Verdict.PASS
                                ? "a bucket walk per tick, no allocation, where the heap polls, hops the task queue "
                                + "and allocates a new task per expiry" : expiryReason(c, pct, in, vn, r));
            }
        }
        details.append("\n### Herd: every timer due at once (`herd`)\n\nOne clock step makes every timer due, then "
                + "loop iterations one tick apart until all expired. Each herd records its longest loop iteration. "
                + "`longest iteration` = the median over forks of each fork's median herd, [range over forks]; "
                + "`worst` = the longest iteration of any measured herd (a maximum, shown and not hidden: one "
                + "preemption of the loop thread sets it); `herds > 5 ms` counts them. Iterations = loop iterations "
                + "per herd (JMH's sum over the measured herds ÷ their number). GCs = collections during the "
                + "measured herds. `vigil` has the default budget (65 536 expiries or 4 ms per tick); "
                + "`vigil-nobudget` none.\n\n| timers | impl | herd total ms | longest iteration ms | worst ms | herds "
                + "> 5 ms | loop iterations per herd | GCs |\n|---|---|---|---|---|---|---|---|\n");
        for (String c : scales("ExpirySweepBenchmark.herd", new String[] {"100000", "1000000"})) {
            Stat ishStall = null;
            for (String impl : new String[] {"ish", "vigil", "vigil-nobudget"}) {
                Results.Row h = results.find("ExpirySweepBenchmark.herd", "channels", c, "impl", impl);
                if (h == null) {
                    details.append("| ").append(human(c)).append(" | ").append(impl)
                            .append(" | not measured | | | | | |\n");
                    if ("vigil".equals(impl)) {
                        missing(summary, "ExpirySweepBenchmark", "herd stall, " + human(c) + " timers", "≤ 5 ms");
                    }
                    continue;
                }
                List<List<Double>> raw = h.secondaryRaw("maxIterationNanos");
                List<Double> forkMedians = new ArrayList<>();
                double worst = 0;
                int over = 0;
                int herds = 0;
                for (List<Double> fork : raw) {
                    forkMedians.add(Stat.ofForks(fork).value() / 1e6);
                    for (double x : fork) {
                        worst = Math.max(worst, x / 1e6);
                        over += x > 5e6 ? 1 : 0;
                        herds++;
                    }
                }
                Stat stall = Stat.ofForks(forkMedians);
                double iterations = h.secondary().getOrDefault("iterations", Double.NaN)
                        / Math.max(1, h.iterations());
                double gcs = h.secondary().getOrDefault("gc.count", Double.NaN);
                details.append("| ").append(human(c)).append(" | ").append(impl).append(" | ").append(h.stat())
                        .append(" | ").append(stall).append(" | ").append(fmt(worst)).append(" | ").append(over)
                        .append(" of ").append(herds).append(" | ").append(fmt(iterations)).append(" | ")
                        .append(fmt(gcs)).append(" |\n");
                if ("ish".equals(impl)) {
                    ishStall = stall;
                }
                if ("vigil".equals(impl)) {
                    Verdict v = atMost(stall, 5);
                    row(summary, "ExpirySweepBenchmark", "herd stall, all " + human(c) + " due", "ISH " + opt(ishStall)
                                    + " ms", stall + " ms; worst " + fmt(worst) + " ms", "longest loop iteration of a "
                                    + "herd (median over forks)", "≤ 5 ms per loop iteration", v, (v == Verdict.PASS
                                    ? "the budget cuts each iteration at 4 ms plus the last expiry" : "iterations "
                                    + "outlive the 4 ms budget") + "; " + over + " of " + herds + " herds had a longer "
                                    + "iteration (worst " + fmt(worst) + " ms) with " + fmt(gcs) + " GCs during the "
                                    + "herds, so not a collection");
                }
            }
        }
        details.append('\n');
    }

    /** The measured reason an expiry row did not pass, against the memory floor of this record. */
    private String expiryReason(String channels, String pct, Stat ish, Stat vigil, Stat ratio) {
        Stat chase = stat("LatencyFloorBenchmark.step", "channels", channels, "access", "chase");
        List<String> why = new ArrayList<>();
        if (vigil.hi() > 100) {
            why.add("each expiry follows its bucket's intrusive list to the next entry, one dependent miss at a "
                    + "random place in memory, so Vigil's " + vigil + " ns per timer at " + human(channels)
                    + " is the memory's dependent chase at this scale (" + opt(chase) + " ns, `LatencyFloorBenchmark` in "
                    + "this record), not work");
        }
        if (!(ratio.lo() >= 10)) {
            why.add("the ratio " + ratio.asRatio() + " stays below 10× because " + (vigil.hi() > 100
                    ? "of Vigil's latency-bound figure above" : "ISH's heap costs only " + ish + " ns per timer at "
                    + pct + " due (the 10× assumed about 1 µs)"));
        }
        return why.isEmpty() ? "the interval straddles the target" : String.join("; ", why);
    }

    // ---- tick ----------------------------------------------------------------------------------------------------

    private void tick(StringBuilder summary, StringBuilder details) {
        details.append("## TickBenchmark\n\nOne loop iteration a tick later with the timers armed far ahead and "
                + "nothing due. Tick cost = vigil − bare (Netty's dispatch of the one scheduled tick task plus the "
                + "wheel's work); `vigil-advance` is the wheel advanced directly (its own share); ISH's idle cost = "
                + "ish − bare (a heap peek).\n\n| timers | bare | ISH | Vigil | Vigil wheel only | ISH idle cost | "
                + "Vigil tick cost |\n|---|---|---|---|---|---|---|\n");
        for (String c : new String[] {"1000", "1000000"}) {
            Stat bare = stat("TickBenchmark.tick", "channels", c, "impl", "bare");
            Stat ish = stat("TickBenchmark.tick", "channels", c, "impl", "ish");
            Stat vigil = stat("TickBenchmark.tick", "channels", c, "impl", "vigil");
            Stat direct = stat("TickBenchmark.tick", "channels", c, "impl", "vigil-advance");
            String caseName = "empty tick, " + human(c) + " timers armed";
            if (bare == null || ish == null || vigil == null) {
                missing(summary, "TickBenchmark", caseName, "≤ 100 ns");
                continue;
            }
            Stat io = ish.minus(bare);
            Stat vo = vigil.minus(bare);
            Verdict v = atMost(vo, 100);
            details.append("| ").append(human(c)).append(" | ").append(bare).append(" | ").append(ish).append(" | ")
                    .append(vigil).append(" | ").append(opt(direct)).append(" | ").append(io).append(" | ")
                    .append(vo).append(" |\n");
            row(summary, "TickBenchmark", caseName, "ISH " + io + " ns (heap peek)", vo + " ns per tick",
                    "tick cost", "≤ 100 ns per tick", v, v == Verdict.PASS ? "the wheel's empty tick is a slot check"
                            : "Netty's dispatch of the scheduled tick task (heap poll, task queue, re-insert) is most "
                            + "of it; the wheel's own share is `vigil-advance`. One tick per " + fmt(TICK_MS)
                            + " ms is " + String.format(Locale.ROOT, "%.4f", vo.value() / (TICK_MS * 1e4))
                            + " % of a core");
        }
        details.append('\n');
    }

    // ---- probe cycle ---------------------------------------------------------------------------------------------

    private void probeCycle(StringBuilder summary, StringBuilder details) {
        long frame = ClassLayout.parseClass(HeartbeatFrame.class).instanceSize();
        long promise = ClassLayout.parseClass(DefaultChannelPromise.class).instanceSize();
        long allowed = 2 * frame + promise;
        details.append("## ProbeCycleBenchmark\n\nIdle detected → probe sent (timeout armed) → pong read → timeout "
                + "cancelled → idle timer re-armed, for every channel, with the real handlers; per cycle. ISH = "
                + "IdleStateHandler plus the user handler one writes with it (ping on the idle event with the void "
                + "promise, a scheduled timeout, cancelled by the pong).\n\n**What the allocation figure counts, "
                + "precisely:** `gc.alloc.rate.norm` per invocation ÷ channels: every byte the benchmark thread "
                + "allocated, after the JIT's escape analysis (an object it eliminates is not counted, so a figure "
                + "can change with inlining). Per channel and cycle, Vigil allocates the ping frame (`HeartbeatFrame`, "
                + frame + " B on this VM) and, since `Prober.sendProbe` returns the write's future, that write's "
                + "promise (`DefaultChannelPromise`, " + promise + " B); the benchmark also makes **one pong per "
                + "channel** (" + frame + " B, carrying that channel's own ping id, as the peer's decoder would; "
                + "Vigil accepts only a reply to an outstanding probe), counted in both columns. The target allows "
                + "the ping, its write's future and the pong (" + allowed + " B) and nothing else. The ISH prober "
                + "writes with the void promise, so it has no future to allocate.\n\n"
                + "Bytes per cycle are the median over forks of each fork's figure, [range over forks].\n\n"
                + "| channels | ISH ns/cycle | Vigil ns/cycle | ratio | ISH B/cycle | Vigil B/cycle |\n"
                + "|---|---|---|---|---|---|\n");
        for (String c : new String[] {"1000", "100000"}) {
            Results.Row ish = results.find("ProbeCycleBenchmark.cycle", "channels", c, "impl", "ish");
            Results.Row vigil = results.find("ProbeCycleBenchmark.cycle", "channels", c, "impl", "vigil");
            String caseName = "probe cycle, " + human(c) + " channels";
            if (ish == null || vigil == null) {
                missing(summary, "ProbeCycleBenchmark", caseName, "≤ " + allowed + " B per cycle");
                continue;
            }
            double n = Double.parseDouble(c);
            Stat ib = allocStat(ish).times(1 / n);
            Stat vb = allocStat(vigil).times(1 / n);
            Stat is = ish.stat().times(1 / n);
            Stat vs = vigil.stat().times(1 / n);
            Verdict v = atMost(vb, allowed + 1);
            details.append("| ").append(human(c)).append(" | ").append(is).append(" | ").append(vs).append(" | ")
                    .append(is.over(vs).asRatio()).append(" | ").append(ib).append(" | ").append(vb).append(" |\n");
            row(summary, "ProbeCycleBenchmark", caseName, "ISH + prober " + is + " ns, " + ib + " B",
                    vs + " ns, " + vb + " B", "B per cycle", "≤ " + allowed + " B (ping + write future + pong)", v,
                    (v == Verdict.PASS ? "the ping, its write's future and the pong only" : fmt(vb.hi() - allowed)
                            + " B beyond in the costliest fork: an event object or a listener per probe")
                            + (vb.lo() < vb.hi() - 1 ? "; forks differ by " + fmt(vb.hi() - vb.lo()) + " B: the JIT "
                            + "eliminated an object by escape analysis in some forks and not in others" : ""));
        }
        details.append("\nNo time target is set for this row. Where Vigil's cycle is slower, the cause is what it "
                + "does at expiry that ISH with a user prober does not: it builds the tick's `ChannelSnapshot` "
                + "(outbound buffer, writability, half-closure: the write-stall and half-close rules), fires "
                + "`PeerIdle` and `ProbeSent`, and writes with a real promise to learn whether the probe left.\n\n");
    }

    // ---- footprint and allocation --------------------------------------------------------------------------------

    private void footprint(StringBuilder summary, StringBuilder details) {
        List<Footprint.Result> rounds;
        try {
            rounds = Footprint.inForks(10_000, FOOTPRINT_FORKS, "1g");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the footprint", e);
        }
        Footprint.Result f = rounds.get(0);
        details.append("## FootprintTest (JUnit in CI; measured again here)\n\n").append(f.table(impl ->
                perChannel(rounds, impl).toString())).append("\nBytes per channel: median [range] over ")
                .append(rounds.size()).append(" fresh JVMs (1 GiB heap, pre-touched), each measuring one round after a "
                        + "discarded warm-up round.\n\n");
        Stat vigil = perChannel(rounds, "vigil");
        Stat ish = perChannel(rounds, "ish");
        Verdict v = f.vigilStateBytes() > 64 || vigil.lo() >= ish.hi() ? Verdict.MISS
                : vigil.hi() < ish.lo() ? Verdict.PASS : Verdict.INCONCLUSIVE;
        row(summary, "FootprintTest", "bytes per channel, 10k channels (total vs total)",
                "ISH reader " + ish + " B; all " + perChannel(rounds, "ish-all") + " B",
                vigil + " B in all (state " + f.vigilStateBytes() + " B)",
                "ISH reader ÷ Vigil, all it adds: " + ish.over(vigil).asRatio(), "state ≤ 64 B; total < ISH reader's",
                v, v == Verdict.PASS ? "one state object that is also the wheel entry; no per-channel task objects"
                        : f.vigilStateBytes() > 64 ? "the state object is " + f.vigilStateBytes() + " B, past 64 B"
                        : "the state is " + f.vigilStateBytes() + " B, but all Vigil adds (handler "
                        + f.vigilHandlerBytes() + " B, state, wheel share) is not clearly below ISH reader idle's: "
                        + "the rounds' ranges " + (v == Verdict.MISS ? "put it above" : "overlap"));
    }

    /** One handler's bytes per channel over the footprint rounds. */
    static Stat perChannel(List<Footprint.Result> rounds, String impl) {
        List<Double> values = new ArrayList<>();
        for (Footprint.Result r : rounds) {
            values.add(r.perChannel(impl));
        }
        return Stat.ofForks(values);
    }

    private void allocation(StringBuilder summary, StringBuilder details) {
        Allocation.Result a = Allocation.measure(1_000_000);
        details.append("## ZeroAllocationTest (JUnit in CI; measured again here)\n\n").append(a.table()).append('\n');
        boolean pass = a.allZero();
        row(summary, "ZeroAllocationTest", "1M operations per path after warm-up", "—", a.summary(), "thread "
                + "allocated bytes", "0 B on read, write, re-arm, expiry", pass ? Verdict.PASS : Verdict.MISS,
                pass ? "the state is preallocated and the wheel is intrusive" : "allocation on a hot path");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** Bytes allocated per operation as a figure of record (median over forks, range), from {@code -prof gc}. */
    private static Stat allocStat(Results.Row row) {
        Stat s = row.secondaryStat("gc.alloc.rate.norm");
        return s != null ? s : Stat.exact(row.allocPerOp());
    }

    private static String opt(@Nullable Stat s) {
        return s == null ? "—" : s.toString();
    }

    private static String bytes(double b) {
        if (Double.isNaN(b)) {
            return "n/a";
        }
        return b < 1 ? "0 B" : fmt(b) + " B";
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return "∞";
        }
        double a = Math.abs(v);
        return a >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : a >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String human(String channels) {
        switch (channels) {
            case "1000":
                return "1k";
            case "100000":
                return "100k";
            case "1000000":
                return "1M";
            default:
                return channels;
        }
    }
}
