package io.vigil.core.metrics;

import io.vigil.core.event.Evidence;
import io.vigil.core.kernel.KernelSample;
import io.vigil.core.event.ConnectionRetired;
import io.vigil.core.event.LifecycleEvent;
import io.vigil.core.event.PeerDead;
import io.vigil.core.event.PingBackoff;
import io.vigil.core.event.PingStrike;
import io.vigil.core.event.TooManyPings;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import org.jspecify.annotations.Nullable;

/**
 * Records probes and verdicts as JDK Flight Recorder events: {@value #PROBE_SENT}, {@value #PEER_ALIVE} and
 * {@value #PEER_DEAD}, the last with the verdict's evidence (silence, probes, pending bytes and the kernel's
 * {@code TCP_INFO} sample where there is one). The events are enabled by default in any recording:
 *
 * <pre>{@code
 * HeartbeatKeepAlive.install(ch.pipeline(), policy, JfrHealthRecorder.INSTANCE);
 * // java -XX:StartFlightRecording:filename=vigil.jfr ...; jfr print --events io.vigil.PeerDead vigil.jfr
 * }</pre>
 *
 * <p>Cost: when no recording takes an event, the recorder checks {@code shouldCommit()} and returns before filling
 * a field; the unused event object does not escape, so the JIT can remove it. Events carry no stack trace.
 *
 * <p><b>Thread safety:</b> stateless and thread-safe.
 *
 * @since 0.1
 * @see CompositeHealthRecorder
 */
public final class JfrHealthRecorder implements HealthRecorder {

    /** The name of the event for a probe sent. */
    public static final String PROBE_SENT = "io.vigil.ProbeSent";
    /** The name of the event for a peer that proved alive while probed. */
    public static final String PEER_ALIVE = "io.vigil.PeerAlive";
    /** The name of the event for a dead-peer verdict. */
    public static final String PEER_DEAD = "io.vigil.PeerDead";

    /** The name of the event for a ping strike a server gave its peer. */
    public static final String PING_STRIKE = "io.vigil.PingStrike";
    /** The name of the event for a connection a server ended for too many pings. */
    public static final String TOO_MANY_PINGS = "io.vigil.TooManyPings";
    /** The name of the event for a client's probe back-off after {@code too_many_pings}. */
    public static final String PING_BACKOFF = "io.vigil.PingBackoff";
    /** The name of the event for a connection retired for its idleness or age. */
    public static final String CONNECTION_RETIRED = "io.vigil.ConnectionRetired";

    /** The only instance. */
    public static final JfrHealthRecorder INSTANCE = new JfrHealthRecorder();

    private JfrHealthRecorder() {
    }

    private static final Gate PROBE_SENT_GATE = new Gate(ProbeSentEvent.class);
    private static final Gate PEER_ALIVE_GATE = new Gate(PeerAliveEvent.class);
    private static final Gate PEER_DEAD_GATE = new Gate(PeerDeadEvent.class);
    private static final Gate PING_STRIKE_GATE = new Gate(PingStrikeEvent.class);
    private static final Gate TOO_MANY_PINGS_GATE = new Gate(TooManyPingsEvent.class);
    private static final Gate PING_BACKOFF_GATE = new Gate(PingBackoffEvent.class);
    private static final Gate RETIRED_GATE = new Gate(ConnectionRetiredEvent.class);

    @Override
    public void probeSent(HealthSubject subject, int probe) {
        if (!PROBE_SENT_GATE.isOpen()) {
            return;
        }
        ProbeSentEvent event = new ProbeSentEvent();
        if (!event.shouldCommit()) {
            return;
        }
        event.subject(subject);
        event.probe = probe;
        event.commit();
    }

    @Override
    public void peerAlive(HealthSubject subject, int probes, long rttNanos) {
        if (!PEER_ALIVE_GATE.isOpen()) {
            return;
        }
        PeerAliveEvent event = new PeerAliveEvent();
        if (!event.shouldCommit()) {
            return;
        }
        event.subject(subject);
        event.probes = probes;
        event.rtt = rttNanos;
        event.commit();
    }

    @Override
    public void peerDead(HealthSubject subject, PeerDead verdict) {
        if (!PEER_DEAD_GATE.isOpen()) {
            return;
        }
        PeerDeadEvent event = new PeerDeadEvent();
        if (!event.shouldCommit()) {
            return;
        }
        event.subject(subject);
        event.reason = verdict.reason().name();
        Evidence e = verdict.evidence();
        event.sinceLastInbound = e.sinceLastInboundNanos();
        event.probesOut = e.probesOut();
        event.pendingBytes = e.pendingBytes();
        event.sinceWriteProgress = e.sinceWriteProgressNanos();
        KernelSample k = e.kernel();
        if (k != null) {
            event.kernelSampled = true;
            event.tcpState = k.state();
            event.kernelProbes = k.probes();
            event.retransmits = k.retransmits();
            event.backoff = k.backoff();
            event.unacked = k.unacked();
            event.lastDataReceived = k.lastDataReceivedMillis();
            event.lastAckReceived = k.lastAckReceivedMillis();
            event.kernelRtt = k.rttMicros();
            event.kernelRttVar = k.rttVarMicros();
            event.totalRetransmits = k.totalRetransmits();
        }
        event.commit();
    }

    @Override
    public void lifecycle(HealthSubject subject, LifecycleEvent event) {
        if (event instanceof PingStrike && PING_STRIKE_GATE.isOpen()) {
            PingStrike strike = (PingStrike) event;
            PingStrikeEvent e = new PingStrikeEvent();
            if (e.shouldCommit()) {
                e.subject(subject);
                e.strikes = strike.strikes();
                e.maxStrikes = strike.maxStrikes();
                e.sinceLastPing = strike.sinceLastPingNanos();
                e.minInterval = strike.minIntervalNanos();
                e.withoutWork = strike.withoutWork();
                e.commit();
            }
        } else if (event instanceof TooManyPings && TOO_MANY_PINGS_GATE.isOpen()) {
            TooManyPingsEvent e = new TooManyPingsEvent();
            if (e.shouldCommit()) {
                e.subject(subject);
                e.strikes = ((TooManyPings) event).strikes();
                e.commit();
            }
        } else if (event instanceof PingBackoff && PING_BACKOFF_GATE.isOpen()) {
            PingBackoff backoff = (PingBackoff) event;
            PingBackoffEvent e = new PingBackoffEvent();
            if (e.shouldCommit()) {
                e.subject(subject);
                e.remoteAddress = backoff.remoteAddress();
                e.oldIdle = backoff.oldIdleNanos();
                e.newIdle = backoff.newIdleNanos();
                e.commit();
            }
        } else if (event instanceof ConnectionRetired && RETIRED_GATE.isOpen()) {
            ConnectionRetired retired = (ConnectionRetired) event;
            ConnectionRetiredEvent e = new ConnectionRetiredEvent();
            if (e.shouldCommit()) {
                e.subject(subject);
                e.reason = retired.reason().debugData();
                e.after = retired.afterNanos();
                e.forced = retired.forced();
                e.commit();
            }
        }
    }

    @Override
    public String toString() {
        return "JfrHealthRecorder";
    }

    /**
     * Tells, without allocating, whether an event type is enabled in any recording: false until the flight
     * recorder has been initialized (no recording ever started), then the type's own switch. This keeps the
     * recorder free when JFR is off, whatever the JIT makes of the event objects.
     */
    private static final class Gate {
        private final Class<? extends Event> eventClass;
        private volatile @Nullable EventType type;

        Gate(Class<? extends Event> eventClass) {
            this.eventClass = eventClass;
        }

        boolean isOpen() {
            if (!FlightRecorder.isInitialized()) {
                return false;
            }
            EventType t = type;
            if (t == null) {
                t = EventType.getEventType(eventClass);
                type = t;
            }
            return t.isEnabled();
        }
    }

    /** The fields every Vigil event has: the connection's {@link HealthSubject}. */
    abstract static class SubjectEvent extends Event {
        @Label("Transport")
        @Description("The channel's transport: epoll, io_uring, nio, ...")
        String transport;

        @Label("Side")
        @Description("client or server")
        String side;

        @Label("Protocol")
        @Description("The probing protocol, e.g. heartbeat")
        String protocol;

        final void subject(HealthSubject subject) {
            transport = subject.transport();
            side = subject.side();
            protocol = subject.protocol();
        }
    }

    @Name(PROBE_SENT)
    @Label("Probe Sent")
    @Description("Vigil sent a keepalive probe to a quiet peer")
    @Category({"Vigil", "Keepalive"})
    @StackTrace(false)
    static final class ProbeSentEvent extends SubjectEvent {
        @Label("Probe")
        @Description("Unanswered probes including this one; 1 for the first of a probing episode")
        int probe;
    }

    @Name(PEER_ALIVE)
    @Label("Peer Alive")
    @Description("A probed peer proved alive")
    @Category({"Vigil", "Keepalive"})
    @StackTrace(false)
    static final class PeerAliveEvent extends SubjectEvent {
        @Label("Probes")
        @Description("Probes outstanding when the peer proved alive")
        int probes;

        @Label("Round-Trip Time")
        @Description("Round-trip time of the answered probe; -1 ns when the proof of life was not a reply to one")
        @Timespan(Timespan.NANOSECONDS)
        long rtt;
    }

    @Name(PEER_DEAD)
    @Label("Peer Dead")
    @Description("Vigil declared a peer dead and closes its connection")
    @Category({"Vigil", "Keepalive"})
    @StackTrace(false)
    static final class PeerDeadEvent extends SubjectEvent {
        @Label("Reason")
        @Description("The DeathReason, e.g. PROBES_UNANSWERED")
        String reason;

        @Label("Since Last Inbound")
        @Description("Time from the last inbound message to the verdict")
        @Timespan(Timespan.NANOSECONDS)
        long sinceLastInbound;

        @Label("Probes Out")
        @Description("Probes sent and unanswered")
        int probesOut;

        @Label("Pending Bytes")
        @Description("Bytes waiting in the channel's outbound buffer")
        @DataAmount(DataAmount.BYTES)
        long pendingBytes;

        @Label("Since Write Progress")
        @Description("Time since pending writes last made progress; 0 when nothing was pending")
        @Timespan(Timespan.NANOSECONDS)
        long sinceWriteProgress;

        @Label("Kernel Sampled")
        @Description("Whether TCP_INFO was sampled; the kernel fields are 0 when not")
        boolean kernelSampled;

        @Label("TCP State")
        @Description("tcpi_state: 1 ESTABLISHED, 7 CLOSE, ...")
        int tcpState;

        @Label("Kernel Probes")
        @Description("tcpi_probes: unanswered kernel keepalive or zero-window probes")
        int kernelProbes;

        @Label("Retransmits")
        @Description("tcpi_retransmits: consecutive retransmissions of the head segment")
        int retransmits;

        @Label("Backoff")
        @Description("tcpi_backoff: retransmission backoff exponent")
        int backoff;

        @Label("Unacked")
        @Description("tcpi_unacked: segments in flight")
        long unacked;

        @Label("Since Data Received")
        @Description("tcpi_last_data_recv: time since data was last received")
        @Timespan(Timespan.MILLISECONDS)
        long lastDataReceived;

        @Label("Since ACK Received")
        @Description("tcpi_last_ack_recv: time since an ACK was last received")
        @Timespan(Timespan.MILLISECONDS)
        long lastAckReceived;

        @Label("Kernel RTT")
        @Description("tcpi_rtt: smoothed round-trip time")
        @Timespan(Timespan.MICROSECONDS)
        long kernelRtt;

        @Label("Kernel RTT Variance")
        @Description("tcpi_rttvar: round-trip time variance")
        @Timespan(Timespan.MICROSECONDS)
        long kernelRttVar;

        @Label("Total Retransmits")
        @Description("tcpi_total_retrans: retransmissions over the connection's life")
        long totalRetransmits;
    }

    @Name(PING_STRIKE)
    @Label("Ping Strike")
    @Description("A peer pinged sooner than the server's ping-rate policy permits")
    @Category({"Vigil", "Lifecycle"})
    @StackTrace(false)
    static final class PingStrikeEvent extends SubjectEvent {
        @Label("Strikes")
        @Description("Strikes so far on the connection, this one included")
        int strikes;

        @Label("Max Strikes")
        @Description("Strikes the policy tolerates")
        int maxStrikes;

        @Label("Since Last Ping")
        @Description("Time since the last permitted ping")
        @Timespan(Timespan.NANOSECONDS)
        long sinceLastPing;

        @Label("Min Interval")
        @Description("The minimum interval that applied")
        @Timespan(Timespan.NANOSECONDS)
        long minInterval;

        @Label("Without Work")
        @Description("Whether the connection carried no application work (the longer minimum applied)")
        boolean withoutWork;
    }

    @Name(TOO_MANY_PINGS)
    @Label("Too Many Pings")
    @Description("A server ended a connection whose peer pinged too often (GOAWAY too_many_pings)")
    @Category({"Vigil", "Lifecycle"})
    @StackTrace(false)
    static final class TooManyPingsEvent extends SubjectEvent {
        @Label("Strikes")
        @Description("Strikes the peer collected")
        int strikes;
    }

    @Name(PING_BACKOFF)
    @Label("Ping Backoff")
    @Description("A client doubled its probe idle time for a remote address after too_many_pings")
    @Category({"Vigil", "Lifecycle"})
    @StackTrace(false)
    static final class PingBackoffEvent extends SubjectEvent {
        @Label("Remote Address")
        @Description("The address the back-off applies to")
        String remoteAddress;

        @Label("Old Idle")
        @Timespan(Timespan.NANOSECONDS)
        long oldIdle;

        @Label("New Idle")
        @Timespan(Timespan.NANOSECONDS)
        long newIdle;
    }

    @Name(CONNECTION_RETIRED)
    @Label("Connection Retired")
    @Description("A connection was retired for its idleness (max_idle) or age (max_age)")
    @Category({"Vigil", "Lifecycle"})
    @StackTrace(false)
    static final class ConnectionRetiredEvent extends SubjectEvent {
        @Label("Reason")
        @Description("max_idle or max_age")
        String reason;

        @Label("After")
        @Description("The idle time or age reached")
        @Timespan(Timespan.NANOSECONDS)
        long after;

        @Label("Forced")
        @Description("Whether the grace period ran out and the connection was closed at once")
        boolean forced;
    }
}
