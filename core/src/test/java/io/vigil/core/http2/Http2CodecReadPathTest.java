package io.vigil.core.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.vigil.core.VigilPipeline;
import io.vigil.core.handler.FedKeepAliveHandler;
import io.vigil.core.handler.ReadPath;
import io.vigil.core.metrics.HealthRecorder;
import io.vigil.core.testing.TestChannel;
import java.time.Duration;
import io.vigil.core.policy.KeepAlivePolicy;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link Http2KeepAliveTest} with {@link ReadPath#CODEC}: the {@code Http2FrameCodec}'s decoder feeds
 * the keepalive through its wrapped frame listener, and the keepalive in the pipeline is a
 * {@link FedKeepAliveHandler}, skipped on the read path.
 */
class Http2CodecReadPathTest extends Http2KeepAliveTest {

    @Override
    ReadPath readPath() {
        return ReadPath.CODEC;
    }

    @Test
    void theHandlerAfterTheCodecIsTheFedOne() {
        TestChannel ch = TestChannel.create(Http2FrameCodecBuilder.forServer().build());
        try {
            Http2KeepAliveHandler h = Http2KeepAlive.install(ch.pipeline(), KeepAlivePolicy.deadWithin(
                    Duration.ofSeconds(10)), HealthRecorder.NOOP, ReadPath.CODEC);
            assertThat(ch.pipeline().get(VigilPipeline.KEEPALIVE)).isInstanceOfSatisfying(FedKeepAliveHandler.class,
                    f -> assertThat(f.keepAlive()).isSameAs(h));
            assertThat(Http2KeepAlive.of(ch)).isSameAs(h);
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
