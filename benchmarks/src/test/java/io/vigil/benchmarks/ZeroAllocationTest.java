package io.vigil.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.benchmarks.footprint.Allocation;
import org.junit.jupiter.api.Test;

/**
 * Vigil's hot paths allocate nothing after warm-up: read, write, re-arm, expiry (the wheel's and the handler's for a
 * busy channel), 1M operations each, per-thread allocated bytes.
 */
class ZeroAllocationTest {

    @Test
    void readWriteRearmAndExpiryAllocateNothingAfterWarmUp() {
        Allocation.Result a = Allocation.measure(1_000_000);
        System.out.println(a.table());
        assertThat(a.all()).hasSize(5);
        assertThat(a.all()).allSatisfy((path, bytes) -> assertThat(bytes).as(path).isZero());
    }
}
