package io.vigil.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The machine's memory-latency floor in the shape of the timer benchmarks, measured in the same run: {@code channels}
 * objects of 64 B (the size of Vigil's timer state) allocated in creation order and referenced from an array, then
 * chased in one random cycle (each step reads the array slot, then the object, whose field names the next slot).
 * {@code chase}: one dependent step at a time (the DRAM-latency floor of {@link RearmLatencyBenchmark}: two dependent
 * misses at 1M); {@code stride}: the same reads in the pre-shuffled order without the dependency (the floor of
 * {@link RearmBenchmark}'s throughput figures, where misses overlap).
 *
 * @since 0.1
 */
public class LatencyFloorBenchmark extends AbstractBenchmark {

    /** How many objects. */
    @Param({"1000", "100000", "1000000"})
    public int channels;

    /** {@code chase} (dependent) or {@code stride} (independent). */
    @Param({"chase", "stride"})
    public String access;

    /** A 64 B object (12 B header + 4 B link + 6 × 8 B = 64 B with compressed oops). */
    static final class Node {
        int next;
        long a;
        long b;
        long c;
        long d;
        long e;
        long f;
    }

    private Node[] nodes;
    private int[] order;
    private int pos;
    private int current;
    private boolean chase;

    /** Builds the objects and the cycle; checks that the cycle visits every object. */
    @Setup(Level.Trial)
    public void setup() {
        nodes = new Node[channels];
        for (int i = 0; i < channels; i++) {
            nodes[i] = new Node();
        }
        order = shuffled(channels);
        for (int k = 0; k < channels; k++) {
            nodes[order[k]].next = order[(k + 1) % channels];
        }
        int seen = 0;
        int i = order[0];
        do {
            i = nodes[i].next;
            seen++;
        } while (i != order[0] && seen <= channels);
        check(seen == channels, "one cycle through every object: " + seen);
        chase = "chase".equals(access);
        current = order[0];
        pos = 0;
    }

    /**
     * One step.
     *
     * @return the object's link (consumed by JMH)
     */
    @Benchmark
    public int step() {
        if (chase) {
            current = nodes[current].next;
            return current;
        }
        int i = order[pos];
        if (++pos == channels) {
            pos = 0;
        }
        return nodes[i].next;
    }
}
