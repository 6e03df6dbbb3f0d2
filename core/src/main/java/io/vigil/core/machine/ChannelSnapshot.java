package io.vigil.core.machine;

/**
 * What the caller saw of its channel at a timer tick, handed to {@link HealthStateMachine#onTick}: the machine's only
 * view of the world. Mutable and reusable, so a tick allocates nothing: the caller fills one (one per event loop is
 * enough, a tick runs to completion) and the machine reads it during the call, keeping nothing of it.
 *
 * <p>Facts from the kernel ({@code TCP_INFO}) are optional: where the transport cannot show them, leave them at their
 * defaults and say whether reads are paused, so the machine does not count a silence it cannot observe.
 *
 * <p><b>Thread safety:</b> not thread-safe; fill and use it on one thread.
 *
 * @since 0.1
 */
public final class ChannelSnapshot {

    long latestInbound;
    long pendingBytes;
    int progressFingerprint;
    boolean kernelInFlight;
    boolean kernelView;
    boolean kernelRetransmitting;
    long kernelSentAt;
    boolean readsPaused;
    boolean writable = true;
    boolean inputShutdown;
    boolean outputShutdown;
    boolean lagged;
    boolean receiptKnown;
    long receipt;

    /** Creates a snapshot of a writable, idle, open channel. */
    public ChannelSnapshot() {
    }

    /**
     * Starts a new snapshot: every fact back to its default (nothing pending, writable, open, on time).
     *
     * @param latestInbound the stamp of the latest inbound message the caller knows of (an upper bound of its
     *        arrival), nanoseconds
     * @return this
     */
    public ChannelSnapshot reset(long latestInbound) {
        this.latestInbound = latestInbound;
        pendingBytes = 0;
        progressFingerprint = 0;
        kernelInFlight = false;
        kernelView = false;
        kernelRetransmitting = false;
        kernelSentAt = 0;
        readsPaused = false;
        writable = true;
        inputShutdown = false;
        outputShutdown = false;
        lagged = false;
        receiptKnown = false;
        receipt = 0;
        return this;
    }

    /**
     * Sets when the kernel received the latest data from the peer, from {@code TCP_INFO}: exact to the kernel's
     * jiffy, so it supersedes the stamps (upper bounds of arrival) as the time of the last inbound message, in
     * either direction (earlier: the stamp's margin; later: data the application has not read yet).
     *
     * @param receivedAt a time within the jiffy of the kernel's receipt (its start, for a machine on a kernel grid),
     *        nanoseconds
     * @return this
     */
    public ChannelSnapshot kernelReceipt(long receivedAt) {
        this.receiptKnown = true;
        this.receipt = receivedAt;
        return this;
    }

    /**
     * Adds evidence of inbound traffic: the latest inbound time becomes the later of the two.
     *
     * @param arrivedBy an upper bound of the arrival of traffic the caller knows of, e.g. what the kernel received
     *        but the application has not read yet, nanoseconds
     * @return this
     */
    public ChannelSnapshot inbound(long arrivedBy) {
        if (arrivedBy - latestInbound > 0) {
            latestInbound = arrivedBy;
        }
        return this;
    }

    /**
     * Sets what waits in the channel's own outbound buffer.
     *
     * @param pendingBytes flushed bytes not yet taken by the socket
     * @param progressFingerprint any value that changes when those bytes make progress; ignored when none wait
     * @return this
     */
    public ChannelSnapshot outbound(long pendingBytes, int progressFingerprint) {
        this.pendingBytes = pendingBytes;
        this.progressFingerprint = progressFingerprint;
        return this;
    }

    /**
     * Sets what the kernel shows of the send side. Data in flight (sent, not acknowledged) keeps the connection busy,
     * as in the kernel's own keepalive rule. Write progress is then judged by the kernel alone: new data it sent
     * (not retransmissions) is progress, whatever the channel's outbound buffer shows (it moves only once the socket
     * buffer drains far enough, so a slow consumer can look stuck there for many seconds).
     *
     * @param inFlight whether sent data is not yet acknowledged
     * @param retransmitting whether the kernel is retransmitting (sending again is no progress)
     * @param sentAt when the kernel last sent data, an upper bound, nanoseconds
     * @return this
     */
    public ChannelSnapshot kernelSend(boolean inFlight, boolean retransmitting, long sentAt) {
        this.kernelView = true;
        this.kernelInFlight = inFlight;
        this.kernelRetransmitting = retransmitting;
        this.kernelSentAt = sentAt;
        return this;
    }

    /**
     * Says that reads are paused and the transport cannot show what arrived meanwhile: silence then proves nothing.
     *
     * @param paused whether reads are paused with no kernel view of arrivals
     * @return this
     */
    public ChannelSnapshot readsPaused(boolean paused) {
        this.readsPaused = paused;
        return this;
    }

    /**
     * Sets the channel's writability and half-closure.
     *
     * @param writable whether the channel is writable
     * @param inputShutdown whether the input side is shut down
     * @param outputShutdown whether the output side is shut down
     * @return this
     */
    public ChannelSnapshot channel(boolean writable, boolean inputShutdown, boolean outputShutdown) {
        this.writable = writable;
        this.inputShutdown = inputShutdown;
        this.outputShutdown = outputShutdown;
        return this;
    }

    /**
     * Says that the caller's own loop fell behind before this tick (a stall, a pause, CPU starvation) by more than its
     * stamps can vouch for: time in which it could not observe what arrived or move its writes, so no verdict may
     * rest on it. The machine then probes (or waits for write progress) once more before it judges.
     *
     * @param lagged whether the loop fell behind
     * @return this
     */
    public ChannelSnapshot lagged(boolean lagged) {
        this.lagged = lagged;
        return this;
    }
}
