package io.vigil.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelHzTest {

    @TempDir
    Path root;

    @Test
    void thePropertyWinsAndIsValidated() throws IOException {
        writeConfigGz("CONFIG_HZ=1000\n");
        KernelHz hz = KernelHz.detect("300", root, "6.18");
        assertThat(hz.hz()).isEqualTo(300);
        assertThat(hz.source()).isEqualTo("-Dio.vigil.kernel.hz=300");
        assertThatThrownBy(() -> KernelHz.detect("fast", root, "6.18"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("io.vigil.kernel.hz = 'fast' is not a whole number of Hz: allowed 10 .. 10000 Hz"
                        + " (the kernel's CONFIG_HZ)");
        assertThatThrownBy(() -> KernelHz.detect("0", root, "6.18"))
                .hasMessage("io.vigil.kernel.hz = 0 Hz is out of range: allowed 10 .. 10000 Hz (the kernel's"
                        + " CONFIG_HZ)");
        assertThatThrownBy(() -> KernelHz.of(20_000))
                .hasMessage("hz = 20000 Hz is out of range: allowed 10 .. 10000 Hz");
    }

    @Test
    void procConfigGzThenBootConfig() throws IOException {
        writeConfigGz("# comment\nCONFIG_HZ_1000=y\nCONFIG_HZ=1000\n");
        assertThat(KernelHz.detect(null, root, "6.18").hz()).isEqualTo(1000);
        Files.delete(root.resolve("proc/config.gz"));
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/config-6.18"), "CONFIG_HZ=300\n");
        KernelHz hz = KernelHz.detect(null, root, "6.18");
        assertThat(hz.hz()).isEqualTo(300);
        assertThat(hz.source()).isEqualTo("CONFIG_HZ=300 in " + root.resolve("boot/config-6.18"));
    }

    @Test
    void routeSysctlsAnswerOnlyWhileTheyHoldTheirDefaults() throws IOException {
        Path route = Files.createDirectories(root.resolve("proc/sys/net/ipv4/route"));
        Files.writeString(route.resolve("error_cost"), "250\n");
        Files.writeString(route.resolve("error_burst"), "1250\n");
        assertThat(KernelHz.detect(null, root, "6.18").hz()).isEqualTo(250);
        Files.writeString(route.resolve("error_burst"), "4000\n");
        KernelHz tuned = KernelHz.detect(null, root, "6.18");
        assertThat(tuned.hz()).isEqualTo(KernelHz.DEFAULT_HZ);
        assertThat(tuned.source()).contains("no longer hold their defaults");
    }

    @Test
    void nothingAnswersSoTheDefaultSaysWhy() {
        KernelHz hz = KernelHz.detect(null, root, "6.18");
        assertThat(hz.hz()).isEqualTo(250);
        assertThat(hz.source()).startsWith("default 250 Hz: no source answered (")
                .contains("config.gz not readable").contains("config-6.18 not readable")
                .endsWith("; set -Dio.vigil.kernel.hz to the kernel's CONFIG_HZ");
    }

    @Test
    void thisMachineIsDetected() {
        KernelHz hz = KernelHz.detect();
        assertThat(hz.hz()).isBetween(KernelHz.MIN_HZ, KernelHz.MAX_HZ);
        System.out.println("[kernel-hz] " + hz);
    }

    @Test
    void jiffiesConvertExactly() {
        KernelHz hz = KernelHz.of(300);
        assertThat(hz.toNanos(300)).isEqualTo(1_000_000_000L);
        assertThat(hz.toNanos(1)).isEqualTo(3_333_333L);
        assertThat(hz.toJiffiesCeil(3_333_334L)).isEqualTo(2);
        assertThat(KernelHz.of(250).toJiffiesCeil(4_000_000L)).isEqualTo(1);
        assertThat(KernelHz.of(250).toNanos(Integer.MAX_VALUE * 10L)).isEqualTo(Integer.MAX_VALUE * 40_000_000L);
    }

    private void writeConfigGz(String text) throws IOException {
        Files.createDirectories(root.resolve("proc"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(root.resolve("proc/config.gz")))) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
