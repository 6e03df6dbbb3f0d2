package io.vigil.examples.http2;

import io.netty.channel.Channel;
import io.vigil.core.event.HealthEvent;
import io.vigil.core.event.PeerAlive;
import io.vigil.core.event.PeerDead;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Health events with the (System.nanoTime) time they were seen, from any thread; waits are bounded. */
final class HealthLog {

    /** One event. */
    record Seen(long nanos, HealthEvent event) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    void record(Channel channel, HealthEvent event) {
        seen.add(new Seen(System.nanoTime(), event));
    }

    /** Every event seen so far. */
    List<Seen> events() {
        return List.copyOf(seen);
    }

    /** Waits for an event that matches, at most {@code millis}. */
    Seen await(String what, long millis, Predicate<HealthEvent> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            for (Seen s : seen) {
                if (match.test(s.event())) {
                    return s;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no " + what + " within " + millis + " ms; seen " + seen);
            }
            Thread.sleep(5);
        }
    }

    /** Waits for a proof of life with a round-trip time (a probe answered). */
    PeerAlive awaitRtt(long millis) throws InterruptedException {
        return (PeerAlive) await("PeerAlive with an RTT", millis,
                e -> e instanceof PeerAlive && ((PeerAlive) e).rtt().isPresent()).event();
    }

    /** Waits for the verdict. */
    Seen awaitDead(long millis) throws InterruptedException {
        return await("PeerDead", millis, e -> e instanceof PeerDead);
    }
}
