package io.vigil.core.kernel;

/**
 * The kernel socket options that carry a keepalive policy.
 *
 * @since 0.1
 */
public enum KernelOption {
    /** {@code SO_KEEPALIVE}: 1 on, 0 off. */
    SO_KEEPALIVE("", "SO_KEEPALIVE"),
    /** {@code TCP_KEEPIDLE}, seconds. */
    TCP_KEEPIDLE("s", "TCP_KEEPIDLE"),
    /** {@code TCP_KEEPINTVL}, seconds. */
    TCP_KEEPINTVL("s", "TCP_KEEPINTVL"),
    /** {@code TCP_KEEPCNT}, probes. */
    TCP_KEEPCNT("probes", "TCP_KEEPCNT"),
    /** {@code TCP_USER_TIMEOUT}, milliseconds. */
    TCP_USER_TIMEOUT("ms", "TCP_USER_TIMEOUT");

    private final String unit;
    private final String optionName;

    KernelOption(String unit, String optionName) {
        this.unit = unit;
        this.optionName = optionName;
    }

    /**
     * Returns the unit of the option's value.
     *
     * @return {@code "s"}, {@code "ms"}, {@code "probes"} or empty
     */
    public String unit() {
        return unit;
    }

    /**
     * Returns the option's name as the kernel spells it; a metrics tag value.
     *
     * @return e.g. {@code "TCP_KEEPIDLE"}
     */
    public String optionName() {
        return optionName;
    }
}
