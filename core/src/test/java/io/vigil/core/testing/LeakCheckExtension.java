package io.vigil.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class whose buffers leaked. Registered for every test through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} (auto-detection is on in the parent pom).
 *
 * <p>After each class it collects garbage, makes Netty's detector look at what was collected, and fails with
 * Netty's own leak records if anything was. It also checks that {@link FailingLeakDetector} is really the detector
 * in use at {@code paranoid} level, so a misconfigured build cannot pass silently.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new IllegalStateException("tests must run with -Dio.netty.leakDetection.level=paranoid, not "
                    + ResourceLeakDetector.getLevel());
        }
        ResourceLeakDetector<?> detector =
                ResourceLeakDetectorFactory.instance().newResourceLeakDetector(LeakCheckExtension.class);
        if (!(detector instanceof FailingLeakDetector)) {
            throw new IllegalStateException("tests must run with -Dio.netty.customResourceLeakDetector="
                    + FailingLeakDetector.class.getName() + ", found " + detector.getClass().getName());
        }
        FailingLeakDetector.drain();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n\n", leaks));
        }
    }

    /**
     * Collects garbage until the detector has had a chance to see every unreachable buffer, then returns and
     * forgets the leaks it reported.
     *
     * @return the leak reports
     */
    public static List<String> collect() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // Tracking a new buffer makes the detector poll its reference queue and report what was collected.
            ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
            probe.release();
            probe = PooledByteBufAllocator.DEFAULT.heapBuffer(1);
            probe.release();
        }
        return FailingLeakDetector.drain();
    }
}
