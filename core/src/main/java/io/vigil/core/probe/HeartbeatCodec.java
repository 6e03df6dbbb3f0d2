package io.vigil.core.probe;

import io.vigil.core.VigilPipeline;
import io.netty.channel.CombinedChannelDuplexHandler;
import org.jspecify.annotations.Nullable;

/**
 * The framing of Vigil's heartbeat protocol, for custom protocols that want application-level probes. The
 * application's own messages travel as {@code DATA} frames; probes and their answers as {@code PING}/{@code PONG}
 * frames, so the two never mix:
 * <pre>
 *   DATA  0x00 | length: uint32 (big-endian) | payload: length bytes
 *   PING  0x01 | id: int64 (big-endian)
 *   PONG  0x02 | id: int64 (big-endian)       echoes the PING's id
 * </pre>
 * Inbound, the application receives each {@code DATA} payload as a {@link io.netty.buffer.ByteBuf}; outbound, it
 * writes {@code ByteBuf}s. Malformed input from the peer is a {@link io.vigil.core.event.ProtocolViolation}, never an
 * exception (see {@link HeartbeatFrameDecoder}).
 *
 * <pre>{@code
 * pipeline.addLast(VigilPipeline.HEARTBEAT_CODEC, new HeartbeatCodec())
 *         .addLast(VigilPipeline.KEEPALIVE, new KeepAliveHandler(policy, HeartbeatProber.INSTANCE))
 *         .addLast(VigilPipeline.PROBE_RESPONDER, HeartbeatResponder.handler())
 *         .addLast("app", new MyHandler());
 * }</pre>
 *
 * <p><b>Thread safety:</b> one instance per channel.
 *
 * @since 0.1
 */
public final class HeartbeatCodec extends CombinedChannelDuplexHandler<HeartbeatFrameDecoder, HeartbeatFrameEncoder> {

    /** Default longest {@code DATA} payload: {@value} bytes (1 MiB). */
    public static final int DEFAULT_MAX_DATA_LENGTH = 1 << 20;
    /** Largest setting for the longest {@code DATA} payload: {@value} bytes. */
    public static final int MAX_MAX_DATA_LENGTH = Integer.MAX_VALUE - 8;

    static final int TYPE_DATA = 0x00;
    static final int TYPE_PING = 0x01;
    static final int TYPE_PONG = 0x02;
    static final int DATA_HEADER_LENGTH = 5;
    static final int CONTROL_FRAME_LENGTH = 9;

    /** Creates a codec that accepts {@code DATA} payloads up to {@value #DEFAULT_MAX_DATA_LENGTH} bytes. */
    public HeartbeatCodec() {
        this(DEFAULT_MAX_DATA_LENGTH);
    }

    /**
     * Creates a codec.
     *
     * @param maxDataLength the longest {@code DATA} payload accepted and sent, 0 .. {@value #MAX_MAX_DATA_LENGTH}
     *        bytes
     */
    public HeartbeatCodec(int maxDataLength) {
        this(maxDataLength, null);
    }

    /**
     * Creates a codec whose decoder shows every decoded message to an observer (a keepalive fed from the codec,
     * {@code io.vigil.core.handler.ReadPath#CODEC}) before passing it on.
     *
     * @param maxDataLength the longest {@code DATA} payload accepted and sent, 0 .. {@value #MAX_MAX_DATA_LENGTH}
     *        bytes
     * @param observer sees each decoded message; one it consumes is released and not passed on; null for none
     * @since 0.2
     */
    public HeartbeatCodec(int maxDataLength, @Nullable InboundObserver observer) {
        super(new HeartbeatFrameDecoder(maxDataLength, observer), new HeartbeatFrameEncoder(maxDataLength));
    }

    static int checkMaxDataLength(int maxDataLength) {
        if (maxDataLength < 0 || maxDataLength > MAX_MAX_DATA_LENGTH) {
            throw new IllegalArgumentException("maxDataLength = " + maxDataLength
                    + " bytes is out of range: allowed 0 .. " + MAX_MAX_DATA_LENGTH + " bytes");
        }
        return maxDataLength;
    }
}
