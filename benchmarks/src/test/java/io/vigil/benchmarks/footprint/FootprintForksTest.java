package io.vigil.benchmarks.footprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The footprint measured in fresh JVMs: each fork's result survives the line it prints, and forks really run. */
class FootprintForksTest {

    @Test
    void aResultSurvivesTheLineItsForkPrints() {
        Footprint.Result r = Footprint.Result.parse("1000 40 56 72 noop=96000 ish=331000 ish-all=500000 vigil=306000");

        assertThat(Footprint.Result.parse(r.toLine()).toLine()).isEqualTo(r.toLine());
        assertThat(r.vigilStateBytes()).isEqualTo(40);
        assertThat(r.vigilHandlerBytes()).isEqualTo(56);
        assertThat(r.perChannel("ish")).isEqualTo(235.0);
        assertThat(r.perChannel("vigil")).isEqualTo(210.0);
    }

    @Test
    void aLineThatIsNotAResultIsRefusedByName() {
        assertThatThrownBy(() -> Footprint.Result.parse("1000 40 56 72 noop=1 ish=2 vigil=3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a footprint result");
        assertThatThrownBy(() -> Footprint.Result.parse("1000 40 56 72 noop=1 ish=2 ish-every=3 vigil=4"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without ish-all");
    }

    @Test
    void twoForksEachMeasureInAJvmOfTheirOwn() throws Exception {
        List<Footprint.Result> forks = Footprint.inForks(1_000, 2, "512m");

        assertThat(forks).hasSize(2);
        for (Footprint.Result r : forks) {
            assertThat(r.vigilStateBytes()).isPositive().isLessThanOrEqualTo(64);
            assertThat(r.perChannel("vigil")).isPositive();
            assertThat(r.perChannel("ish-all")).isGreaterThan(r.perChannel("ish"));
        }
    }
}
