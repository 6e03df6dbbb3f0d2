package io.vigil.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.vigil.core.event.ProtocolViolation;
import io.vigil.core.testing.EventRecorder;
import io.vigil.core.testing.TestChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a peer can make the responder hold is bounded (issue 13, failure 1): one reply in flight at most, none while
 * unwritable, and a flood of probes ends the connection with a reason that says so. On a {@code MockTicker}.
 */
class ProbeResponderHandlerTest {

    private TestChannel channel;
    private EventRecorder events;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private void start() {
        channel = TestChannel.create(HeartbeatResponder.handler());
        events = new EventRecorder(channel.ticker());
        channel.pipeline().addLast(events);
    }

    private int pongsWritten() {
        int n = 0;
        for (Object o; (o = channel.readOutbound()) != null; ) {
            assertThat(o).isInstanceOf(HeartbeatFrame.class);
            n++;
        }
        return n;
    }

    @Test
    void aPeerThatNeverReadsItsRepliesGetsAtMostOneInFlight() {
        start();
        channel.holdWrites(true); // the peer does not read: replies stay in the outbound buffer
        for (int i = 0; i < 50; i++) {
            channel.writeInbound(HeartbeatFrame.ping(i));
        }
        assertThat(channel.unsafe().outboundBuffer().size()).as("one PONG waits, not 50").isEqualTo(1);
        channel.holdWrites(false);
        assertThat(pongsWritten()).isEqualTo(1);
        // Once it left, the next probe is answered again.
        channel.writeInbound(HeartbeatFrame.ping(99));
        assertThat(channel.<Object>readOutbound()).isEqualTo(HeartbeatFrame.pong(99));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void noReplyWhileTheChannelIsUnwritable() {
        start();
        channel.holdWrites(true);
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[128 * 1024]));
        assertThat(channel.isWritable()).isFalse();
        channel.writeInbound(HeartbeatFrame.ping(1));
        channel.holdWrites(false);
        Object first = channel.readOutbound();
        assertThat(first).isNotInstanceOf(HeartbeatFrame.class);
        ReferenceCountUtil.release(first);
        assertThat(pongsWritten()).isZero();
    }

    @Test
    void aFloodOfProbesEndsTheConnectionWithAReasonThatSaysSo() {
        start();
        for (int i = 0; i < 100; i++) {
            channel.writeInbound(HeartbeatFrame.ping(i));
            channel.ticker().advance(1, TimeUnit.MILLISECONDS);
        }
        assertThat(channel.isOpen()).as("100 probes within a second are allowed").isTrue();
        channel.writeInbound(HeartbeatFrame.ping(100));
        assertThat(channel.isOpen()).isFalse();
        assertThat(events.events(ProtocolViolation.class)).singleElement().satisfies(v -> {
            assertThat(v.protocol()).isEqualTo("heartbeat");
            assertThat(v.detail()).isEqualTo("probe flood: more than 100 probes within 1 s (limit 100 probes/s);"
                    + " closing the connection");
        });
        assertThat(events.exceptions()).isEmpty();
    }

    @Test
    void aPeerWithinTheLimitIsNeverStruck() {
        start();
        for (int i = 0; i < 1000; i++) { // 50 probes/s for 20 s
            channel.writeInbound(HeartbeatFrame.ping(i));
            assertThat(channel.<Object>readOutbound()).isEqualTo(HeartbeatFrame.pong(i));
            channel.ticker().advance(20, TimeUnit.MILLISECONDS);
        }
        assertThat(channel.isOpen()).isTrue();
        assertThat(events.events(ProtocolViolation.class)).isEmpty();
    }

    @Test
    void aStrayPongNeverReachesTheApplication() {
        start();
        channel.writeInbound(HeartbeatFrame.pong(5));
        assertThat(events.messagesRead()).isZero();
    }

    @Test
    void theLimitIsChecked() {
        assertThatThrownBy(() -> new ProbeResponderHandler(HeartbeatResponder.INSTANCE, 0))
                .hasMessage("maxProbesPerSecond = 0 probes/s is out of range: allowed 1 .. 1000000 probes/s");
        assertThat(new ProbeResponderHandler(HeartbeatResponder.INSTANCE).maxProbesPerSecond()).isEqualTo(100);
    }
}
