package io.vigil.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.ProtocolViolation;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.LeakCheckExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat framing, including what a hostile or broken peer can send: random bytes, truncated frames and
 * oversized frames give a {@link ProtocolViolation} event and a close, never an exception out of the pipeline and
 * never a leaked buffer (the paranoid leak detector fails this class if one leaks).
 */
class HeartbeatCodecTest {

    private static ByteBuf bytes(int... values) {
        ByteBuf buf = Unpooled.buffer(values.length);
        for (int v : values) {
            buf.writeByte(v);
        }
        return buf;
    }

    private static ByteBuf encode(Object... messages) {
        EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatCodec());
        ByteBuf out = Unpooled.buffer();
        for (Object m : messages) {
            ch.writeOutbound(m);
        }
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(b);
            b.release();
        }
        assertThat(ch.finish()).isFalse();
        return out;
    }

    @Test
    void framesRoundTrip() {
        ByteBuf wire = encode(HeartbeatFrame.ping(0x0102030405060708L),
                Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII), HeartbeatFrame.pong(-1), Unpooled.EMPTY_BUFFER);
        assertThat(wire.readableBytes()).isEqualTo(9 + 5 + 5 + 9 + 5);
        assertThat(wire.getByte(0)).isEqualTo((byte) 1);
        assertThat(wire.getLong(1)).isEqualTo(0x0102030405060708L);
        assertThat(wire.getByte(9)).isEqualTo((byte) 0);
        assertThat(wire.getInt(10)).isEqualTo(5);

        EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatCodec());
        // Deliver byte by byte: the decoder must wait for whole frames.
        while (wire.isReadable()) {
            ch.writeInbound(wire.readRetainedSlice(1));
        }
        wire.release();
        assertThat(ch.<Object>readInbound()).isEqualTo(HeartbeatFrame.ping(0x0102030405060708L));
        ByteBuf hello = ch.readInbound();
        assertThat(hello.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        hello.release();
        assertThat(ch.<Object>readInbound()).isEqualTo(HeartbeatFrame.pong(-1));
        ByteBuf empty = ch.readInbound();
        assertThat(empty.readableBytes()).isZero();
        empty.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anUnknownFrameTypeIsAViolationThatClosesAndReleases() {
        EventRecorder events = new EventRecorder(System::nanoTime);
        EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatCodec(), events);
        ByteBuf garbage = bytes(0x7f, 1, 2, 3);
        ch.writeInbound(garbage);
        assertThat(garbage.refCnt()).isZero();
        assertThat(events.events(ProtocolViolation.class)).containsExactly(new ProtocolViolation("heartbeat",
                "unknown frame type 0x7f (expected 0x00 DATA, 0x01 PING or 0x02 PONG)"));
        assertThat(ch.isOpen()).isFalse();
        assertThat(events.exceptions()).isEmpty();
        ch.checkException();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anOversizedFrameIsRejectedFromItsHeaderAlone() {
        EventRecorder events = new EventRecorder(System::nanoTime);
        EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatCodec(16), events);
        // Only the 5-byte header of a 17-byte frame arrives: rejected before the payload is awaited.
        ch.writeInbound(bytes(0, 0, 0, 0, 17));
        assertThat(events.events(ProtocolViolation.class)).containsExactly(
                new ProtocolViolation("heartbeat", "oversized DATA frame: 17 bytes > max 16 bytes"));
        assertThat(ch.isOpen()).isFalse();
        // A 4 GiB length claim is no different.
        EventRecorder events2 = new EventRecorder(System::nanoTime);
        EmbeddedChannel ch2 = new EmbeddedChannel(new HeartbeatCodec(), events2);
        ch2.writeInbound(bytes(0, 0xff, 0xff, 0xff, 0xff));
        assertThat(events2.events(ProtocolViolation.class)).singleElement().extracting(ProtocolViolation::detail)
                .isEqualTo("oversized DATA frame: 4294967295 bytes > max 1048576 bytes");
        assertThat(ch.finishAndReleaseAll()).isFalse();
        assertThat(ch2.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aFrameTruncatedByTheEndOfTheStreamIsAViolation() {
        EventRecorder events = new EventRecorder(System::nanoTime);
        EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatCodec(), events);
        ch.writeInbound(bytes(1, 0, 0, 0));
        assertThat(events.events()).isEmpty();
        ch.close();
        assertThat(events.events(ProtocolViolation.class)).containsExactly(new ProtocolViolation("heartbeat",
                "truncated frame at end of stream: 4 bytes of an incomplete PING frame"));
        assertThat(events.exceptions()).isEmpty();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bytesAfterAViolationAreDroppedAndReleased() {
        EventRecorder events = new EventRecorder(System::nanoTime);
        EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatCodec(), events);
        ByteBuf frame = encode(HeartbeatFrame.ping(1));
        ByteBuf bad = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[] {9}), frame);
        ch.writeInbound(bad);
        assertThat(events.events(ProtocolViolation.class)).hasSize(1);
        assertThat(events.messagesRead()).isZero();
        assertThat(bad.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anOversizedOutboundPayloadFailsItsWriteWithLengthAndLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatCodec(4));
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[5]);
        ChannelFuture f = ch.writeAndFlush(payload);
        assertThat(f.isSuccess()).isFalse();
        assertThat(f.cause()).isInstanceOf(EncoderException.class)
                .hasMessageContaining("DATA frame of 5 bytes exceeds the maximum of 4 bytes");
        assertThat(payload.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theLimitIsChecked() {
        assertThatThrownBy(() -> new HeartbeatCodec(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDataLength = -1 bytes is out of range: allowed 0 .. 2147483639 bytes");
    }

    /**
     * Random input of every shape — random bytes, valid frames cut at random points, valid frames with one byte
     * corrupted — in random chunks of pooled buffers: the decoder yields only well-formed messages, a violation
     * at most once, no exception, and releases everything.
     */
    @Test
    void randomTruncatedAndCorruptedInputNeverThrowsNorLeaks() {
        SplittableRandom random = new SplittableRandom(99);
        for (int round = 0; round < 2_000; round++) {
            EventRecorder events = new EventRecorder(System::nanoTime);
            List<Object> decoded = new ArrayList<>();
            EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatCodec(64), new io.netty.channel.ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                    decoded.add(msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : msg);
                    ReferenceCountUtil.release(msg);
                }
            }, events);
            ByteBuf input = input(random);
            List<ByteBuf> chunks = new ArrayList<>();
            while (input.isReadable()) {
                int n = Math.min(input.readableBytes(), 1 + random.nextInt(20));
                ByteBuf chunk = PooledByteBufAllocator.DEFAULT.buffer(n);
                input.readBytes(chunk, n);
                chunks.add(chunk);
            }
            input.release();
            for (ByteBuf chunk : chunks) {
                if (ch.isOpen()) {
                    ch.writeInbound(chunk); // the decoder may keep it as its cumulation until the close
                } else {
                    chunk.release();
                }
            }
            ch.close();
            for (ByteBuf chunk : chunks) {
                assertThat(chunk.refCnt()).isZero();
            }
            ch.checkException();
            assertThat(events.exceptions()).isEmpty();
            assertThat(events.events(ProtocolViolation.class).size()).isLessThanOrEqualTo(1);
            for (Object d : decoded) {
                assertThat(d).satisfiesAnyOf(o -> assertThat(o).isInstanceOf(HeartbeatFrame.class),
                        o -> assertThat((Integer) o).isBetween(0, 64));
            }
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
        assertThat(LeakCheckExtension.collect()).isEmpty();
    }

    private static ByteBuf input(SplittableRandom random) {
        ByteBuf out = Unpooled.buffer();
        switch (random.nextInt(3)) {
            case 0: { // random bytes
                byte[] b = new byte[random.nextInt(200)];
                random.nextBytes(b);
                out.writeBytes(b);
                return out;
            }
            case 1: { // valid frames, cut at a random point
                ByteBuf frames = validFrames(random);
                out.writeBytes(frames, 0, random.nextInt(frames.readableBytes() + 1));
                frames.release();
                return out;
            }
            default: { // valid frames with one corrupted byte
                ByteBuf frames = validFrames(random);
                if (frames.isReadable()) {
                    frames.setByte(random.nextInt(frames.readableBytes()), random.nextInt(256));
                }
                out.writeBytes(frames);
                frames.release();
                return out;
            }
        }
    }

    private static ByteBuf validFrames(SplittableRandom random) {
        List<Object> frames = new ArrayList<>();
        for (int i = random.nextInt(1, 8); i > 0; i--) {
            switch (random.nextInt(3)) {
                case 0:
                    frames.add(HeartbeatFrame.ping(random.nextLong()));
                    break;
                case 1:
                    frames.add(HeartbeatFrame.pong(random.nextLong()));
                    break;
                default:
                    byte[] payload = new byte[random.nextInt(80)];
                    random.nextBytes(payload);
                    frames.add(Unpooled.wrappedBuffer(payload));
                    break;
            }
        }
        // Payloads over the test's 64-byte limit cannot be encoded; encode with a generous codec.
        EmbeddedChannel ch = new EmbeddedChannel(new HeartbeatCodec());
        ByteBuf out = Unpooled.buffer();
        for (Object f : frames) {
            ch.writeOutbound(f);
        }
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(b);
            b.release();
        }
        ch.finishAndReleaseAll();
        return out;
    }
}
