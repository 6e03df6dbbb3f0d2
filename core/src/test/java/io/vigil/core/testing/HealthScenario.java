package io.vigil.core.testing;

import io.vigil.core.event.PeerDead;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.ProbeSent;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.policy.KeepAlivePolicy;
import java.time.Duration;
import java.util.List;

/**
 * A scripted health history over four connections sharing one recorder, with mock time, for testing recorders:
 * the totals it produces are known in advance ({@link #PROBES_SENT}, {@link #PEER_ALIVE}, {@link #RTTS},
 * {@link #VERDICTS}, ...), and can also be counted from the events that reached each pipeline.
 *
 * <ul>
 *   <li>{@link #silent}: never answers; probes at 2, 3 and 4 s, verdict {@code PROBES_UNANSWERED} at 5 s.</li>
 *   <li>{@link #userTimeout}: never answers; one probe at 3 s, verdict {@code USER_TIMEOUT} at 5 s.</li>
 *   <li>{@link #answering}: answers its first probe after 50 ms, proves life with data during its second, answers
 *       its third after 120 ms, and is closed by the application at 7 s.</li>
 *   <li>{@link #halfClosed}: its input is shut down, so it is suspended at its first tick (2 s).</li>
 * </ul>
 * Each connection has its own mock clock; the steps drive them one after the other.
 */
public final class HealthScenario implements AutoCloseable {

    /** One millisecond in nanoseconds. */
    public static final long MS = 1_000_000L;
    /** One second in nanoseconds. */
    public static final long S = 1_000 * MS;

    /** Idle 2 s, interval 1 s, 3 probes: a silent peer is dead at 5 s. */
    public static final KeepAlivePolicy POLICY = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(2)).interval(Duration.ofSeconds(1)).probes(3).build();
    /** Idle 3 s, interval 2 s, 100 probes, user timeout 1 s: one probe at 3 s, dead at 5 s. */
    public static final KeepAlivePolicy SHORT_USER_TIMEOUT = KeepAlivePolicy.builder()
            .idle(Duration.ofSeconds(3)).interval(Duration.ofSeconds(2)).probes(100)
            .userTimeout(Duration.ofSeconds(1)).build();

    /** Probes sent in the whole script: 3 (silent) + 1 (user timeout) + 3 (answering). */
    public static final int PROBES_SENT = 7;
    /** Proofs of life while probed: all by the answering peer. */
    public static final int PEER_ALIVE = 3;
    /** The round-trip times measured: two of the three acks were replies to a probe. */
    public static final List<Long> RTTS = List.of(50 * MS, 120 * MS);
    /** Verdicts: one {@code PROBES_UNANSWERED}, one {@code USER_TIMEOUT}. */
    public static final int VERDICTS = 2;
    /** Probes outstanding at the verdicts: 3 + 1. */
    public static final int PROBES_UNANSWERED = 4;
    /** Detection latency of each verdict: both peers were silent from the start for 5 s. */
    public static final long DETECTION_LATENCY = 5 * S;

    /** Never answers. */
    public final HealthPeer silent;
    /** Never answers; dies of its user timeout. */
    public final HealthPeer userTimeout;
    /** Answers. */
    public final HealthPeer answering;
    /** Half-closed. */
    public final HealthPeer halfClosed;

    /**
     * Opens the four connections at mock time 0, all recording to one recorder.
     *
     * @param recorder the recorder under test
     */
    public HealthScenario(HealthRecorder recorder) {
        silent = HealthPeer.open(POLICY, recorder);
        userTimeout = HealthPeer.open(SHORT_USER_TIMEOUT, recorder);
        answering = HealthPeer.open(POLICY, recorder);
        halfClosed = HealthPeer.open(POLICY, recorder);
    }

    /** Runs every step in order. */
    public void runAll() {
        suspendHalfClosed();
        silentPeerDies();
        userTimeoutPeerDies();
        answeringPeerIsProbed();
        answeringPeerAnswers();
        closeAll();
    }

    /** Shuts down the input of {@link #halfClosed} and runs it to 2 s, when it is suspended. */
    public void suspendHalfClosed() {
        halfClosed.channel().shutdownInput();
        halfClosed.advanceTo(2 * S);
    }

    /** Runs {@link #silent} to 6 s: three probes, dead at 5 s, closed. */
    public void silentPeerDies() {
        silent.advanceTo(6 * S);
    }

    /** Runs {@link #userTimeout} to 6 s: one probe, dead at 5 s, closed. */
    public void userTimeoutPeerDies() {
        userTimeout.advanceTo(6 * S);
    }

    /** Runs {@link #answering} to its first probe (2 s); it is probing. */
    public void answeringPeerIsProbed() {
        answering.advanceToProbe(2 * S);
    }

    /**
     * Plays the rest of {@link #answering}: a reply 50 ms after the first probe, data 430 ms into the second
     * probing episode (no round-trip time), a reply 120 ms after the third probe; the application closes it at 7 s.
     */
    public void answeringPeerAnswers() {
        List<Long> sent = answering.probes();
        long first = sent.get(sent.size() - 1);
        answering.advanceTo(first + 50 * MS);
        answering.reply(first);
        long second = answering.advanceToProbe(5 * S);
        answering.advanceTo(second + 430 * MS);
        answering.sendData();
        long third = answering.advanceToProbe(7 * S);
        answering.advanceTo(third + 120 * MS);
        answering.reply(third);
        answering.advanceTo(7 * S);
        answering.channel().close();
    }

    /**
     * Counts the probes sent, as seen by the pipelines.
     *
     * @return the number of {@link ProbeSent} events
     */
    public int probesSentSeen() {
        return seen(ProbeSent.class);
    }

    /**
     * Counts the proofs of life while probed, as seen by the pipelines.
     *
     * @return the number of {@link PeerAlive} events
     */
    public int peerAliveSeen() {
        return seen(PeerAlive.class);
    }

    /**
     * Counts the verdicts, as seen by the pipelines.
     *
     * @return the number of {@link PeerDead} events
     */
    public int verdictsSeen() {
        return seen(PeerDead.class);
    }

    private int seen(Class<?> type) {
        int n = 0;
        for (HealthPeer p : List.of(silent, userTimeout, answering, halfClosed)) {
            n += p.events().events(type).size();
        }
        return n;
    }

    /** Closes every connection still open and releases what they hold; may be called more than once. */
    public void closeAll() {
        silent.close();
        userTimeout.close();
        answering.close();
        halfClosed.close();
    }

    /** Same as {@link #closeAll()}. */
    @Override
    public void close() {
        closeAll();
    }
}
