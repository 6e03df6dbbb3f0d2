package io.vigil.core.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.FileRegion;

/**
 * What the channel's outbound buffer shows about write progress, read when the timer fires (never per write):
 * whether flushed data waits, a fingerprint that changes when it moves, and its payload size for the evidence.
 * Unflushed data alone is the application's business, not a stall, so only flushed messages count.
 *
 * <p><b>Thread safety:</b> call on the channel's event loop.
 */
final class OutboundSnapshot {

    private OutboundSnapshot() {
    }

    /**
     * Returns the bytes Netty counts as pending once something is flushed and waiting, else 0. Allocation-free.
     *
     * @param ch the channel
     * @return Netty's pending-byte count (payload plus its per-message overhead), or 0
     */
    static long flushedBytes(Channel ch) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        return buffer == null || buffer.current() == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /**
     * Returns a value that changes whenever the head of the flushed data moves: the head message's identity and
     * how far it was written. Allocation-free.
     *
     * @param ch the channel
     * @return the fingerprint; 0 when nothing is flushed
     */
    static int progressFingerprint(Channel ch) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        Object current = buffer == null ? null : buffer.current();
        return current == null ? 0 : System.identityHashCode(current) * 31 + (int) buffer.currentProgress();
    }

    /**
     * Returns the payload bytes of the flushed messages the peer has not taken yet, without Netty's per-message
     * overhead. Cold path: for a verdict's evidence.
     *
     * @param ch the channel
     * @return bytes
     */
    static long payloadBytes(Channel ch) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        if (buffer == null || buffer.current() == null) {
            return 0;
        }
        PayloadCounter counter = new PayloadCounter();
        try {
            buffer.forEachFlushedMessage(counter);
        } catch (Exception e) {
            return buffer.totalPendingWriteBytes();
        }
        return counter.bytes;
    }

    /** Sums the readable bytes of flushed messages. */
    private static final class PayloadCounter implements ChannelOutboundBuffer.MessageProcessor {
        long bytes;

        @Override
        public boolean processMessage(Object msg) {
            if (msg instanceof ByteBuf) {
                bytes += ((ByteBuf) msg).readableBytes();
            } else if (msg instanceof ByteBufHolder) {
                bytes += ((ByteBufHolder) msg).content().readableBytes();
            } else if (msg instanceof FileRegion) {
                bytes += ((FileRegion) msg).count() - ((FileRegion) msg).transferred();
            }
            return true;
        }
    }
}
