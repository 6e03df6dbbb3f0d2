package io.vigil.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check is only worth something if it catches a leak: this test leaks one buffer on purpose. */
class LeakCheckExtensionTest {

    @Test
    void aLeakedBufferIsReportedWithItsRecords() {
        leakOne();
        List<String> leaks = List.of();
        for (int attempt = 0; attempt < 20 && leaks.isEmpty(); attempt++) {
            leaks = LeakCheckExtension.collect();
        }
        assertThat(leaks).isNotEmpty();
        assertThat(leaks.get(0)).startsWith("LEAK: ByteBuf was released by the garbage collector")
                .contains("leakOne");
    }

    private static void leakOne() {
        ByteBuf leaked = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeLong(1);
        leaked.touch("leakOne");
    }
}
