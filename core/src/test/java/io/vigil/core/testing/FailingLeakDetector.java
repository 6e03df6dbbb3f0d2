package io.vigil.core.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector, made strict: every reported leak is kept so that {@link LeakCheckExtension} can fail the
 * test class that caused it. Installed with {@code -Dio.netty.customResourceLeakDetector} (see the parent pom).
 *
 * @param <T> the tracked resource type
 */
public final class FailingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

    /**
     * Called reflectively by Netty's {@code ResourceLeakDetectorFactory}, which looks for this (deprecated)
     * constructor first and logs an error when it is missing.
     *
     * @param resourceType the tracked type
     * @param samplingInterval the sampling interval
     * @param maxActive ignored by Netty
     */
    @SuppressWarnings("deprecation")
    public FailingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    /**
     * Called reflectively by Netty's {@code ResourceLeakDetectorFactory}.
     *
     * @param resourceType the tracked type
     * @param samplingInterval the sampling interval
     */
    public FailingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add("LEAK: " + resourceType + " was released by the garbage collector, not by release()." + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add("LEAK: " + resourceType + " was released by the garbage collector, not by release().");
        super.reportUntracedLeak(resourceType);
    }

    /**
     * Returns and forgets the leaks reported so far.
     *
     * @return the reports
     */
    static List<String> drain() {
        List<String> out = new ArrayList<>();
        for (String s; (s = LEAKS.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }
}
