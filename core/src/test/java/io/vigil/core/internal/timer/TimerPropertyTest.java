package io.vigil.core.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vigil.core.handler.KeepAliveHandler;
import io.vigil.core.policy.KeepAlivePolicy;
import io.vigil.core.probe.HeartbeatProber;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 13, "nothing loses keepalive silently": a bad {@code io.vigil.timer.*} property fails every first use with an
 * {@link IllegalArgumentException} naming the property, the value, the allowed range and the unit; never an
 * {@link ExceptionInInitializerError} that leaves every channel without keepalive.
 */
class TimerPropertyTest {

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "io.vigil.timer.tickMillis         | 0                    | 1 .. 1000 milliseconds",
        "io.vigil.timer.tickMillis         | -5                   | 1 .. 1000 milliseconds",
        "io.vigil.timer.tickMillis         | ten                  | 1 .. 1000 milliseconds",
        "io.vigil.timer.tickMillis         | 1001                 | 1 .. 1000 milliseconds",
        "io.vigil.timer.tickMillis         | 9223372036854775807  | 1 .. 1000 milliseconds",
        "io.vigil.timer.tickMillis         | 99999999999999999999 | 1 .. 1000 milliseconds",
        "io.vigil.timer.maxExpiriesPerTick | 0                    | 1 .. 2147483647 expiries",
        "io.vigil.timer.maxExpiriesPerTick | -1                   | 1 .. 2147483647 expiries",
        "io.vigil.timer.maxExpiriesPerTick | lots                 | 1 .. 2147483647 expiries",
        "io.vigil.timer.maxExpiriesPerTick | 2147483648           | 1 .. 2147483647 expiries",
        "io.vigil.timer.maxExpiriesPerTick | 99999999999999999999 | 1 .. 2147483647 expiries",
        "io.vigil.timer.maxTickMicros      | 0                    | 1 .. 9223372036854775 microseconds",
        "io.vigil.timer.maxTickMicros      | -4000                | 1 .. 9223372036854775 microseconds",
        "io.vigil.timer.maxTickMicros      | 4ms                  | 1 .. 9223372036854775 microseconds",
        "io.vigil.timer.maxTickMicros      | 9223372036854775807  | 1 .. 9223372036854775 microseconds",
        "io.vigil.timer.maxTickMicros      | 99999999999999999999 | 1 .. 9223372036854775 microseconds",
    })
    void aBadValueIsRefusedWithItsNameValueRangeAndUnit(String property, String value, String range) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TimerWheelConfig.fromProperties(Map.of(property, value)::get))
                .withMessageContaining(property)
                .withMessageContaining("\"" + value + "\"")
                .withMessageContaining("allowed " + range);
    }

    @Test
    void unsetPropertiesTakeTheDefaultsAndGoodOnesAreUsed() {
        assertThat(TimerWheelConfig.fromProperties(Map.<String, String>of()::get)).isEqualTo(
                new TimerWheelConfig(10_000_000L, 65_536, 4_000_000L));
        assertThat(TimerWheelConfig.fromProperties(Map.of("io.vigil.timer.tickMillis", " 5 ",
                "io.vigil.timer.maxExpiriesPerTick", "2147483647", "io.vigil.timer.maxTickMicros", "1")::get))
                .isEqualTo(new TimerWheelConfig(5_000_000L, Integer.MAX_VALUE, 1_000L));
    }

    @Test
    void aBadSystemPropertyFailsTheFirstHandlerEveryTimeAndNothingIsLeftBroken() {
        String key = TimerProperty.TICK_MILLIS.key();
        KeepAlivePolicy policy = KeepAlivePolicy.builder()
                .idle(Duration.ofSeconds(60)).interval(Duration.ofSeconds(5)).probes(3).build();
        System.setProperty(key, "0");
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                EmbeddedChannel channel = new EmbeddedChannel();
                try {
                    assertThatIllegalArgumentException().isThrownBy(() -> TimerWheels.forExecutor(channel.eventLoop()))
                            .withMessageContaining(key + " = \"0\"");
                    assertThat(TimerWheels.hasWheel(channel.eventLoop())).isFalse();
                    channel.pipeline().addLast(new KeepAliveHandler(policy, HeartbeatProber.INSTANCE));
                    Throwable failure = catchThrowable(channel::checkException);
                    assertThat(failure).isNotNull().isNotInstanceOf(Error.class);
                    assertThat(rootCause(failure)).isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining(key + " = \"0\" is out of range: allowed 1 .. 1000 milliseconds");
                } finally {
                    channel.finishAndReleaseAll();
                }
            }
        } finally {
            System.clearProperty(key);
        }
        // Fixed: the next channel gets its timer.
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            assertThat(TimerWheels.forExecutor(channel.eventLoop()).tickNanos()).isEqualTo(10_000_000L);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
