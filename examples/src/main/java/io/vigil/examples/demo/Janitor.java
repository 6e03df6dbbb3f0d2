package io.vigil.examples.demo;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes everything the demo made — peer processes, network namespaces, relays, servers — in reverse order, once:
 * at the end of a scenario, at the end of the run, and from a shutdown hook on Ctrl-C.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class Janitor {

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /**
     * Registers a resource to close.
     *
     * @param resource the resource; its {@code close} must be idempotent
     * @param <T> its type
     * @return the resource
     */
    synchronized <T extends AutoCloseable> T register(T resource) {
        open.push(resource);
        return resource;
    }

    /** Closes every registered resource, newest first; a failure is printed and the rest still close. */
    void closeAll() {
        while (true) {
            AutoCloseable next;
            synchronized (this) {
                next = open.poll();
            }
            if (next == null) {
                return;
            }
            try {
                next.close();
            } catch (Exception e) {
                System.err.println("cleaning up " + next + " failed: " + e);
            }
        }
    }
}
