package io.vigil.benchmarks.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The heap histogram's growth per unit, from jcmd's text and from the running VM. */
class HeapHistogramTest {

    @Test
    void growthPerUnitListsTheClassesThatGrewMostFirst() {
        HeapHistogram before = HeapHistogram.parse(String.join("\n",
                " num     #instances         #bytes  class name (module)",
                "-------------------------------------------------------",
                "   1:            10            640  [B (java.base@17.0.15)",
                "   2:             1             24  io.vigil.Foo",
                "Total            11            664"));
        HeapHistogram after = HeapHistogram.parse(String.join("\n",
                "   1:           110           6640  [B (java.base@17.0.15)",
                "   2:           101           2424  io.vigil.Foo",
                "   3:             5            120  io.vigil.Shrunk$Inner",
                "Total           216           9184"));
        assertThat(after.growthPerUnit(before, 100, 2)).isEqualTo("[B=60.0; Foo=24.0");
        assertThat(after.growthPerUnit(before, 100, 8)).isEqualTo("[B=60.0; Foo=24.0; Shrunk$Inner=1.2");
    }

    @Test
    void takesTheLiveHistogramOfThisVm() {
        HeapHistogram now = HeapHistogram.take();
        Object[] kept = new Object[20_000];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = new HeapHistogramTest();
        }
        String growth = HeapHistogram.take().growthPerUnit(now, kept.length, 8);
        assertThat(growth).contains("HeapHistogramTest=");
        java.lang.ref.Reference.reachabilityFence(kept);
    }
}
