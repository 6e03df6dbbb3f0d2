package io.vigil.core.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The wheel's division-free floor division agrees with {@link Math#floorDiv(long, long)} everywhere. */
class TimerWheelDivisionTest {

    private static final long[] TICKS = {1_000_000L, 3_000_001L, 10_000_000L, 16_777_216L, 999_999_937L,
        1_000_000_000L};

    @Test
    void agreesWithFloorDivAtTheEdgesAndOnRandomValues() {
        SplittableRandom random = new SplittableRandom(11);
        for (long d : TICKS) {
            double inverse = 1.0 / d;
            long[] edges = {0, 1, -1, d, d - 1, d + 1, -d, -d - 1, -d + 1, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, Long.MAX_VALUE / d * d, Long.MIN_VALUE / d * d,
                (Long.MAX_VALUE / d) * d - 1, (Long.MIN_VALUE / d) * d + 1};
            for (long x : edges) {
                assertThat(TimerWheel.floorDiv(x, d, inverse)).as("%d / %d", x, d).isEqualTo(Math.floorDiv(x, d));
            }
            for (int i = 0; i < 200_000; i++) {
                long x = random.nextLong();
                long k = random.nextLong(-1L << 40, 1L << 40);
                for (long y : new long[] {x, x >> random.nextInt(64), k * d, k * d - 1, k * d + 1}) {
                    assertThat(TimerWheel.floorDiv(y, d, inverse)).as("%d / %d", y, d)
                            .isEqualTo(Math.floorDiv(y, d));
                }
            }
        }
    }
}
