package io.vigil.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KernelClock}: jiffies of a ticker, rebasing, the wheel's rounding, and the offset from timer_list. */
class KernelClockTest {

    private static final long MS = 1_000_000L;

    @Test
    void jiffiesStartOnMultiplesOfTickNsecShiftedByTheOffsetAndTheTickersOrigin() {
        KernelClock c = KernelClock.of(KernelHz.of(250), 1000);
        assertThat(c.tickNanos()).isEqualTo(4 * MS);
        assertThat(c.jiffyAt(0)).isEqualTo(1000);
        assertThat(c.jiffyAt(4 * MS - 1)).isEqualTo(1000);
        assertThat(c.jiffyAt(-1)).isEqualTo(999);
        assertThat(c.startNanos(1001)).isEqualTo(4 * MS);
        KernelClock rebased = c.forTickerOrigin(10 * MS);
        assertThat(rebased.jiffyAt(0)).as("ticker 0 is nanoTime 10 ms").isEqualTo(1002);
        assertThat(rebased.startNanos(1003)).isEqualTo(2 * MS);
        assertThat(KernelClock.of(KernelHz.of(300), 0).tickNanos()).as("TICK_NSEC at HZ 300").isEqualTo(3_333_333);
    }

    @Test
    void theWheelRoundsUpToItsLevelsGranularity() {
        KernelClock c = KernelClock.of(KernelHz.of(250), 0);
        assertThat(c.fireJiffy(250, 250)).as("level 1: next multiple of 8 after").isEqualTo(256);
        assertThat(c.fireJiffy(256, 250)).isEqualTo(264);
        assertThat(c.fireJiffy(40, 30)).as("level 0: one jiffy late").isEqualTo(41);
        assertThat(c.fireJiffy(1000, 750)).as("level 2: multiple of 64").isEqualTo(1024);
        assertThat(c.toJiffies(2_000 * MS)).isEqualTo(500);
        assertThat(c.toJiffies(4_015 * MS)).as("msecs_to_jiffies rounds up").isEqualTo(1004);
    }

    @Test
    void theNominalClockIsTheIdentity() {
        KernelClock n = KernelClock.NOMINAL;
        assertThat(n.isNominal()).isTrue();
        assertThat(n.startNanos(n.fireJiffy(n.jiffyAt(123) + n.toJiffies(456), 456))).isEqualTo(579);
        assertThat(n.forTickerOrigin(99)).isSameAs(n);
    }

    @Test
    void theOffsetComesFromTimerListWhereItIsReadable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("timer_list");
        Files.writeString(file, "Timer List Version: v0.10\nnow at 1000000123 nsecs\n  .last_tick      : 996000000 nsecs\n"
                + "jiffies: 4295142250\n");
        StringBuilder why = new StringBuilder();
        assertThat(KernelClock.timerListOffset(KernelHz.of(250), file, why)).isEqualTo(4295142250L - 250);
        Files.writeString(file, "now at 1000000123 nsecs\n  .last_tick      : 996000001 nsecs\njiffies: 1\n");
        assertThat(KernelClock.timerListOffset(KernelHz.of(250), file, why)).isNull();
        assertThat(why.toString()).contains("not aligned to TICK_NSEC = 4000000 ns");
        StringBuilder missing = new StringBuilder();
        assertThat(KernelClock.timerListOffset(KernelHz.of(250), dir.resolve("absent"), missing)).isNull();
        assertThat(missing.toString()).contains("is not readable (root only)");
    }
}
