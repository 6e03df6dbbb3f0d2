package io.vigil.examples.demo;

/**
 * Which of Vigil's two layers watch a connection. Scenarios that must show each layer's own verdict use one
 * connection per layer, so that one layer's verdict cannot hide the other's.
 */
enum Layers {
    /** The kernel's keepalive options and Vigil's userspace handler, from the same policy: the production setup. */
    BOTH("both"),
    /**
     * The kernel's keepalive options alone. A userspace handler is present only to recognise the kernel's verdict
     * ({@code ETIMEDOUT} becomes {@code PeerDead(KERNEL_TIMEOUT)}); its own policy is an hour, so it never decides.
     */
    KERNEL("kernel"),
    /** Vigil's userspace handler alone; the socket keeps the kernel's defaults (keepalive off). */
    USERSPACE("user");

    private final String tag;

    Layers(String tag) {
        this.tag = tag;
    }

    /**
     * Returns the short tag used in connection names, e.g. {@code bob:kernel}.
     *
     * @return the tag
     */
    String tag() {
        return tag;
    }

    boolean kernel() {
        return this != USERSPACE;
    }

    boolean userspace() {
        return this != KERNEL;
    }
}
