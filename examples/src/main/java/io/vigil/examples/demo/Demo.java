package io.vigil.examples.demo;

import io.micrometer.core.instrument.Tags;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.vigil.core.socket.SocketKeepAlive;
import io.vigil.examples.metrics.VigilPrometheus;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The demo: every failure Vigil exists for, and both of its layers at work, one scenario after another, from one
 * policy that the kernel carries exactly. A Vigil server watches each peer's connection with the kernel layer (TCP
 * keepalive and user timeout on the socket, read back), the userspace layer (heartbeat probes through
 * {@code KeepAliveHandler}), or both:
 * <ol>
 *   <li>a healthy client that talks and answers probes: never declared dead;</li>
 *   <li>a hung peer process ({@code SIGSTOP}): caught by the userspace layer; the kernel layer cannot see it;</li>
 *   <li>a vanished peer (a network namespace behind a blackhole route, as root; otherwise a simulated drop relay):
 *       caught by both layers, the kernel's {@code ETIMEDOUT} reported as {@code KERNEL_TIMEOUT};</li>
 *   <li>a slow consumer with megabytes pending: left alone while it drains, declared dead once it stops.</li>
 * </ol>
 * It prints a live timeline, a summary table and its own Prometheus scrape, cleans up every process and namespace
 * it made (also on Ctrl-C), and exits with 1 if any detection missed its bound or a healthy peer was declared dead.
 *
 * <pre>{@code mvn -B -q -Pdemo -pl examples -am verify -DskipTests}</pre>
 * Options: {@code --help}.
 *
 * <p><b>Thread safety:</b> a program; {@link #main} runs the scenarios one after another on the calling thread.
 */
public final class Demo {

    private static final List<Scenario> SCENARIOS = List.of(
            new HealthyClient(), new HungPeer(), new VanishedPeer(), new SlowConsumer());

    private Demo() {
    }

    /**
     * Runs the demo and exits: 0 when every detection was within its bound, 1 otherwise, 2 on bad options.
     *
     * @param args see {@code --help}
     * @throws Exception if the demo cannot run
     */
    public static void main(String[] args) throws Exception {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        Summary summary = run(options, System.out, System.console() != null);
        System.exit(summary.ok() ? 0 : 1);
    }

    /**
     * Runs the chosen scenarios and prints the timeline, the summary and the scrape.
     *
     * @param options the options
     * @param out where to print
     * @param terminal whether {@code out} is a terminal (the countdown redraws in place)
     * @return the summary
     * @throws Exception if the demo cannot run
     */
    static Summary run(DemoOptions options, PrintStream out, boolean terminal) throws Exception {
        Timeline timeline = new Timeline(out, terminal);
        Transport transport = Transport.choose(options.transport());
        Janitor janitor = new Janitor();
        Thread cleanup = new Thread(janitor::closeAll, "vigil-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandler());
        Summary summary = new Summary();
        try (VigilPrometheus metrics = VigilPrometheus.start(options.metricsPort(),
                Tags.of("application", "vigil-demo"))) {
            Stage stage = new Stage(options.policy(), transport, group, timeline, metrics.recorder(), janitor);
            header(stage, metrics);
            for (Scenario scenario : SCENARIOS) {
                if (options.scenarios().contains(SCENARIOS.indexOf(scenario) + 1)) {
                    timeline.line("");
                    timeline.line("== " + scenario.title() + " ==");
                    timeline.line("   " + scenario.story(stage));
                    summary.addAll(scenario.run(stage));
                    janitor.closeAll();
                }
            }
            timeline.line("");
            timeline.line("Summary (detected at: after the last inbound message, segment, or the stall):");
            summary.print(timeline);
            timeline.line("");
            MetricsReport.print(metrics.uri(), timeline);
        } finally {
            janitor.closeAll();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running.
            }
        }
        timeline.line("");
        timeline.line(summary.ok() ? "OK: every detection within its bound; no healthy peer declared dead."
                : "FAILED: see the rows marked NO.");
        return summary;
    }

    private static void header(Stage stage, VigilPrometheus metrics) {
        Timeline t = stage.timeline();
        Bounds b = stage.bounds();
        t.line("Vigil demo: a server watches its peers with the kernel layer, the userspace layer, or both.");
        t.line("Policy, one for both layers: " + stage.policy());
        t.line("Kernel options from it, exact: " + SocketKeepAlive.of(stage.policy()).kernel());
        t.line(String.format(Locale.ROOT, "Bounds: userspace %s, kernel %s after the last inbound; write stall:"
                        + " kernel %s, userspace %s", b.userspaceSilent(), b.kernelSilent(), b.kernelZeroWindow(),
                b.userspaceWriteStall()));
        t.line("Transport: " + stage.transport().name() + (stage.transport().kernelAware() ? ""
                : " (no TCP_INFO, no TCP_USER_TIMEOUT, kernel verdicts not recognised)") + "; metrics at "
                + metrics.uri());
        t.line("");
        t.line(String.format(Locale.ROOT, "%9s  %-13s %-6s %-32s %s", "elapsed", "connection", "layer", "event",
                "evidence"));
    }
}
