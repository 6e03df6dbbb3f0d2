package io.vigil.examples.demo;

import java.util.List;

/**
 * Scenario 1: a healthy client. Alice talks for a while, then goes quiet but keeps answering probes; both layers
 * watch her. Once quiet she is probed every {@code idle}, answers, and must never be declared dead.
 */
final class HealthyClient implements Scenario {

    private static final int MESSAGES = 4;
    private static final long PERIOD_MS = 500;

    @Override
    public String title() {
        return "1 healthy client";
    }

    @Override
    public String story(Stage stage) {
        return "alice sends " + MESSAGES + " messages, one every " + PERIOD_MS + " ms, then goes quiet but answers"
                + " every probe. Both layers watch her for a whole verdict time (and a second) after she went quiet:"
                + " she must never be declared dead.";
    }

    @Override
    public List<Row> run(Stage stage) throws Exception {
        // The stage's janitor ends the peer process and the server after the scenario.
        VigilServer server = VigilServer.listen(stage, "alice:both", Layers.BOTH, Stage.LOOPBACK);
        stage.startPeer("alice", List.of(), "client", Stage.LOOPBACK, Integer.toString(server.port()),
                Integer.toString(MESSAGES), Long.toString(PERIOD_MS));
        Watch alice = server.accepted();
        long start = System.nanoTime();
        long quietFrom = start + MESSAGES * PERIOD_MS * 1_000_000L;
        long until = quietFrom + stage.policy().silentPeerVerdict().toNanos() + 1_000_000_000L;
        stage.timeline().countdown("alice must stay alive", until, alice.dead::isDone);
        Watch.Verdict verdict = alice.dead.getNow(null);
        boolean alive = verdict == null && alice.channel().isActive();
        String detected = alive
                ? "alive after " + Scenario.ms(System.nanoTime() - start) + ", " + alice.probesSent()
                        + " probes sent, no verdict"
                : verdict == null ? "connection lost" : "declared dead: " + verdict.reason();
        return List.of(new Row(title(), alice.name(), "both", "never declared dead", detected,
                Row.Outcome.of(alive && alice.probesSent() > 0)));
    }
}
