package io.vigil.examples.demo;

import io.vigil.core.policy.KeepAlivePolicy;
import java.util.Locale;

/**
 * When each layer must reach its verdict, from the policy, and the tolerance each is allowed.
 *
 * <ul>
 *   <li>Userspace, silent or hung peer: {@code silentPeerVerdict} after the last inbound message, never early, at
 *       most {@value #USERSPACE_SLACK_MS} ms late (three 10 ms timer ticks plus scheduling slack on a loaded
 *       machine).</li>
 *   <li>Kernel, silent peer: {@code silentPeerVerdict} after the last segment received, never early, at most
 *       15 % + 500 ms late (kernel timers fire late, never early; KEEPALIVE-SPEC.md).</li>
 *   <li>Kernel, zero window: the user timeout after the window closed, same kernel tolerance.</li>
 *   <li>Userspace, write stall: the handler checks pending writes on its ticks, which come every {@code idle} while
 *       writes wait, so the verdict comes at the first tick at least the user timeout after the first tick that saw
 *       no progress: between {@code userTimeout} and {@code idle + ⌈userTimeout / idle⌉ × idle} after the
 *       stall.</li>
 * </ul>
 *
 * @param policy the policy both layers run
 */
record Bounds(KeepAlivePolicy policy) {

    static final long USERSPACE_SLACK_MS = 300;
    private static final long MS = 1_000_000L;

    /** A window of time after a reference instant. */
    record Window(long lowNanos, long highNanos) {
        boolean contains(long nanos) {
            return nanos >= lowNanos && nanos <= highNanos;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d .. %d ms", lowNanos / MS, highNanos / MS);
        }
    }

    Window userspaceSilent() {
        long v = policy.silentPeerVerdict().toNanos();
        return new Window(v, v + USERSPACE_SLACK_MS * MS);
    }

    Window kernelSilent() {
        return kernel(policy.silentPeerVerdict().toNanos());
    }

    Window kernelZeroWindow() {
        return kernel(policy.userTimeoutNanos());
    }

    Window userspaceWriteStall() {
        long uto = policy.userTimeoutNanos();
        long idle = policy.idleNanos();
        long ticks = (uto + idle - 1) / idle;
        return new Window(uto, idle + ticks * idle + USERSPACE_SLACK_MS * MS);
    }

    private static Window kernel(long nominal) {
        return new Window(nominal, nominal * 115 / 100 + 500 * MS);
    }
}
