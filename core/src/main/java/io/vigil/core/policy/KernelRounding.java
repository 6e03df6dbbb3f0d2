package io.vigil.core.policy;

/**
 * How a policy value that the kernel cannot represent is mapped onto a kernel socket option.
 *
 * <p>The kernel takes {@code TCP_KEEPIDLE} and {@code TCP_KEEPINTVL} in whole seconds and
 * {@code TCP_USER_TIMEOUT} in whole milliseconds. A userspace policy may use finer values (say 1500 ms idle).
 * Vigil never changes such a value silently: either it is rejected, or it is rounded by the rule named here.
 *
 * @since 0.1
 * @see KeepAlivePolicy#toKernel(KernelRounding)
 */
public enum KernelRounding {
    /**
     * Reject a value the kernel cannot represent with an {@link IllegalArgumentException} that names the
     * setting, the value and the unit the kernel needs. The default.
     */
    REJECT,
    /**
     * Round idle and interval up to whole seconds and an explicit user timeout up to whole milliseconds. The
     * kernel's verdict then comes at most {@code 1 s × (1 + probes)} later than the userspace verdict, never
     * earlier. A default user timeout is recomputed from the rounded values, so it stays
     * {@code idle + probes × interval}.
     */
    ROUND_UP
}
