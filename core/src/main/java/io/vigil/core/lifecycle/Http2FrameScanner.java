package io.vigil.core.lifecycle;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Follows the frame boundaries of one direction of an HTTP/2 byte stream without consuming it, for a handler that
 * sits on the raw bytes next to the codec: it reads each 9-byte frame header (across buffers) and skips the payload
 * by the header's length, as the codec does, and tells its {@link Sink} the type and flags of each frame. A stream
 * that does not start as HTTP/2 (the client's preface where one is expected, then a {@code SETTINGS} frame) is
 * {@link #lost()}: from then on nothing is reported, rather than frames made up from the wrong bytes.
 *
 * <p><b>Thread safety:</b> not thread-safe; one instance per direction of a channel, on its event loop.
 */
final class Http2FrameScanner {

    static final int TYPE_DATA = 0x0;
    static final int TYPE_HEADERS = 0x1;
    static final int TYPE_SETTINGS = 0x4;
    static final int TYPE_PING = 0x6;
    static final int FLAG_ACK = 0x1;
    private static final int HEADER_BYTES = 9;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Receives each frame header. */
    interface Sink {
        /**
         * A frame header was read.
         *
         * @param type the frame type
         * @param flags the flags
         * @return false to stop scanning this buffer (the connection is being ended)
         */
        boolean frame(int type, int flags);
    }

    private final byte[] header = new byte[HEADER_BYTES];
    private int prefaceLeft;
    private int headerFill;
    private long payloadLeft;
    private boolean first = true;
    private boolean lost;

    /**
     * Creates a scanner at the start of a stream.
     *
     * @param expectPreface true for what a server reads (the client's 24-byte preface comes first)
     */
    Http2FrameScanner(boolean expectPreface) {
        prefaceLeft = expectPreface ? PREFACE.length : 0;
    }

    /** Whether the stream did not start as HTTP/2 and scanning stopped. */
    boolean lost() {
        return lost;
    }

    /**
     * Scans the readable bytes of {@code buf}; its indices do not move.
     *
     * @return false if the sink stopped the scan
     */
    boolean scan(ByteBuf buf, Sink sink) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end && !lost) {
            if (prefaceLeft > 0) {
                lost = buf.getByte(i++) != PREFACE[PREFACE.length - prefaceLeft--];
            } else if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - i);
                i += skip;
                payloadLeft -= skip;
            } else {
                header[headerFill++] = buf.getByte(i++);
                if (headerFill == HEADER_BYTES) {
                    headerFill = 0;
                    payloadLeft = (header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | header[2] & 0xFF;
                    int type = header[3] & 0xFF;
                    if (first) {
                        first = false;
                        lost = type != TYPE_SETTINGS; // every HTTP/2 endpoint's first frame (RFC 9113 §3.4)
                        if (lost) {
                            break;
                        }
                    }
                    if (!sink.frame(type, header[4] & 0xFF)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
