package io.vigil.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.benchmarks.footprint.Footprint;
import org.junit.jupiter.api.Test;

/**
 * At most 64 B of health and timer state per channel, measured on live objects of this VM, and what a Vigil handler
 * adds in all against IdleStateHandler measured the same way (10k channels; the target is in BENCHMARKS.md).
 */
class FootprintTest {

    @Test
    void vigilKeepsAtMost64BytesOfHealthAndTimerStatePerChannelAndLessThanIshInAll() {
        Footprint.Result f = Footprint.measure(10_000);
        System.out.println(f.table());
        assertThat(f.vigilStateBytes()).as("health + timer state per channel").isLessThanOrEqualTo(64);
        // Everything Vigil adds per channel (context, handler, state, wheel share) is less than ISH reader-only.
        assertThat(f.perChannel("vigil")).isPositive().isLessThan(f.perChannel("ish"));
        assertThat(f.perChannel("ish")).isLessThan(f.perChannel("ish-all"));
    }
}
