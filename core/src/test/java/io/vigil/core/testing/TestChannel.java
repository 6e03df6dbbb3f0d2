package io.vigil.core.testing;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;

/**
 * An {@link EmbeddedChannel} on a {@link MockTicker} that behaves like a socket where tests need it: it can be
 * half-closed ({@link DuplexChannel}), and its writes can be held back as if the peer stopped reading, then drained
 * by hand.
 */
public final class TestChannel extends EmbeddedChannel implements DuplexChannel {

    private final MockTicker ticker;
    private boolean holdWrites;
    private boolean inputShutdown;
    private boolean outputShutdown;

    private TestChannel(MockTicker ticker, ChannelHandler... handlers) {
        super(EmbeddedChannel.builder().ticker(ticker).handlers(handlers));
        this.ticker = ticker;
    }

    /**
     * Creates an active channel with the handlers, at mock time 0.
     *
     * @param handlers the pipeline
     * @return the channel
     */
    public static TestChannel create(ChannelHandler... handlers) {
        return new TestChannel(Ticker.newMockTicker(), handlers);
    }

    /**
     * Returns the channel's clock.
     *
     * @return the mock ticker
     */
    public MockTicker ticker() {
        return ticker;
    }

    /**
     * Returns the mock time.
     *
     * @return nanoseconds
     */
    public long now() {
        return ticker.nanoTime();
    }

    /**
     * Holds flushed writes in the outbound buffer (the peer stopped reading) or lets them through.
     *
     * @param hold true to hold
     */
    public void holdWrites(boolean hold) {
        this.holdWrites = hold;
        if (!hold) {
            flush();
        }
    }

    /**
     * Drains {@code bytes} of held writes, as a slow peer would.
     *
     * @param bytes how many bytes leave the outbound buffer
     */
    public void drain(long bytes) {
        ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
        if (buffer != null) {
            buffer.removeBytes(bytes);
        }
    }

    /**
     * Returns the bytes waiting in the outbound buffer.
     *
     * @return bytes
     */
    public long pendingBytes() {
        ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (!holdWrites) {
            super.doWrite(in);
        }
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        inputShutdown = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        outputShutdown = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isShutdown() {
        return inputShutdown && outputShutdown;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        inputShutdown = true;
        outputShutdown = true;
        return promise.setSuccess();
    }
}
