package io.vigil.core.event;

import org.jspecify.annotations.Nullable;

/**
 * A probe was sent to a quiet peer. Instances for probes 1 .. 127 are cached, so sending a probe allocates no
 * event.
 *
 * @since 0.1
 */
public final class ProbeSent implements HealthEvent {

    private static final ProbeSent[] CACHE = new ProbeSent[128];

    static {
        for (int i = 1; i < CACHE.length; i++) {
            CACHE[i] = new ProbeSent(i);
        }
    }

    private final int probe;

    private ProbeSent(int probe) {
        this.probe = probe;
    }

    /**
     * Returns the event for the given probe number.
     *
     * @param probe the number of unanswered probes including this one, at least 1
     * @return the event
     */
    public static ProbeSent of(int probe) {
        if (probe < 1) {
            throw new IllegalArgumentException("probe = " + probe + " is out of range: allowed >= 1");
        }
        return probe < CACHE.length ? CACHE[probe] : new ProbeSent(probe);
    }

    /**
     * Returns the number of unanswered probes including this one: 1 for the first probe of an episode.
     *
     * @return at least 1
     */
    public int probe() {
        return probe;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ProbeSent && ((ProbeSent) o).probe == probe;
    }

    @Override
    public int hashCode() {
        return probe;
    }

    @Override
    public String toString() {
        return "ProbeSent(" + probe + ")";
    }
}
