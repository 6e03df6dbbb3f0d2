package io.vigil.examples.demo;

import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.examples.metrics.PrometheusEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The demo's command line.
 *
 * @param policy the one policy both layers run, kernel-representable (whole seconds)
 * @param transport {@code auto}, {@code epoll} or {@code nio}
 * @param scenarios the scenarios to run, in order, by number 1 .. 4
 * @param metricsPort the Prometheus endpoint's port, 0 for an ephemeral one
 * @param help whether {@code --help} was asked for
 */
record DemoOptions(KeepAlivePolicy policy, String transport, Set<Integer> scenarios, int metricsPort, boolean help) {

    /** The default policy: idle 2 s, interval 1 s, 3 probes, user timeout 5 s; a silent peer is dead after 5 s. */
    static final KeepAlivePolicy DEFAULT_POLICY = KeepAlivePolicy.builder().idle(Duration.ofSeconds(2))
            .interval(Duration.ofSeconds(1)).probes(3).build();

    static final String USAGE = String.join("\n",
            "Usage: Demo [options]      (mvn -B -q -Pdemo -pl examples -am verify -DskipTests -Ddemo.args=\"...\")",
            "",
            "Shows Vigil's two layers (kernel TCP keepalive and the userspace handler, run from one policy) against",
            "a healthy client, a hung peer process, a vanished peer and a slow consumer; prints a live timeline and",
            "a summary table, and exits 1 if a detection missed its bound or a healthy peer was declared dead.",
            "",
            "Policy (whole seconds, so that the kernel carries it exactly; default idle 2s, interval 1s, 3 probes):",
            "  --budget D          plan the policy from \"dead within D\" (KeepAlivePolicy.deadWithin; D >= 6s)",
            "  --idle D            silence before the first probe",
            "  --interval D        between probes",
            "  --probes N          unanswered probes before the verdict",
            "  --user-timeout D    both layers' user timeout (default idle + probes x interval; must be > 0)",
            "                      D is like 5s, 1500ms or 5 (seconds)",
            "Run:",
            "  --transport T       auto (epoll where present, else nio), epoll or nio      [auto]",
            "  --scenarios LIST    comma-separated numbers or names:                          [1,2,3,4]",
            "                      1 healthy, 2 hung, 3 vanished, 4 slow",
            "  --metrics-port P    serve the Prometheus scrape on 127.0.0.1:P, 0 = any free port",
            "                      [-D" + PrometheusEndpoint.PORT_PROPERTY + ", else 0]",
            "  --help              this text",
            "",
            "Scenario 3 needs root (a network namespace behind a blackhole route); without root it runs a simulated",
            "drop relay and says so. With CI=true it must run the namespace path and fails otherwise.");

    private static final List<String> NAMES = List.of("healthy", "hung", "vanished", "slow");

    /**
     * Parses the command line.
     *
     * @param args the arguments
     * @return the options
     * @throws IllegalArgumentException naming the bad option, its value and what is allowed
     */
    static DemoOptions parse(String... args) {
        Duration budget = null;
        KeepAlivePolicy.Builder policy = DEFAULT_POLICY.toBuilder();
        boolean explicit = false;
        String transport = "auto";
        Set<Integer> scenarios = new LinkedHashSet<>(List.of(1, 2, 3, 4));
        int port = PrometheusEndpoint.configuredPort().orElse(0);
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                return new DemoOptions(DEFAULT_POLICY, transport, scenarios, port, true);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + ": a value is missing (see --help)");
            }
            String value = args[++i];
            switch (option) {
                case "--budget":
                    budget = duration(option, value);
                    break;
                case "--idle":
                    policy.idle(duration(option, value));
                    explicit = true;
                    break;
                case "--interval":
                    policy.interval(duration(option, value));
                    explicit = true;
                    break;
                case "--probes":
                    policy.probes(integer(option, value));
                    explicit = true;
                    break;
                case "--user-timeout":
                    policy.userTimeout(duration(option, value));
                    explicit = true;
                    break;
                case "--transport":
                    transport = value;
                    break;
                case "--scenarios":
                    scenarios = scenarios(value);
                    break;
                case "--metrics-port":
                    port = integer(option, value);
                    break;
                default:
                    throw new IllegalArgumentException(option + ": unknown option (see --help)");
            }
        }
        if (budget != null && explicit) {
            throw new IllegalArgumentException("--budget plans idle, interval, probes and user timeout itself: give"
                    + " either --budget or --idle/--interval/--probes/--user-timeout");
        }
        KeepAlivePolicy built = budget != null ? KeepAlivePolicy.deadWithin(budget) : policy.build();
        if (!built.isKernelRepresentable() || built.idleNanos() % 1_000_000_000L != 0
                || built.intervalNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("the demo runs one policy on both layers, so the kernel must carry it"
                    + " exactly: idle and interval in whole seconds" + (budget != null ? " (a budget of 6 s or more)"
                    : "") + "; got " + built);
        }
        if (built.userTimeoutNanos() == 0) {
            throw new IllegalArgumentException("--user-timeout 0: the slow consumer scenario needs a user timeout"
                    + " > 0");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--metrics-port " + port + ": allowed 0 .. 65535 (0 = any free port)");
        }
        return new DemoOptions(built, transport, scenarios, port, false);
    }

    private static Duration duration(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            return Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + value + ": expected a duration like 5s, 1500ms or 5"
                    + " (seconds)", e);
        }
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + value + ": expected a whole number", e);
        }
    }

    private static Set<Integer> scenarios(String value) {
        List<Integer> picked = new ArrayList<>();
        for (String part : value.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            int n = NAMES.indexOf(p) + 1;
            if (n == 0) {
                try {
                    n = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    n = 0;
                }
            }
            if (n < 1 || n > NAMES.size()) {
                throw new IllegalArgumentException("--scenarios " + value + ": '" + part + "' is not 1 .. 4 or one of "
                        + NAMES);
            }
            picked.add(n);
        }
        return new LinkedHashSet<>(picked);
    }
}
