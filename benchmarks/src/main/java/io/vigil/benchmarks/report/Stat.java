package io.vigil.benchmarks.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A figure with its interval: the median of the per-fork means, and as its interval the range of the fork means. For
 * k independent forks, the range [min, max] covers the population median with probability 1 − 2 · 0.5<sup>k</sup>
 * (distribution-free: 93.75 % at 5 forks, 98.4 % at 7), which is why a record run has at least 5 forks. Differences
 * and ratios carry their intervals conservatively (the worst combination of the ends).
 *
 * @param value the median (or the difference or ratio of medians)
 * @param lo the lower end
 * @param hi the upper end
 * @param forks the fewest forks behind any of the figures combined
 * @since 0.1
 */
record Stat(double value, double lo, double hi, int forks) {

    /** Nothing measured: shown as "—", never judged. */
    static final Stat NONE = new Stat(Double.NaN, Double.NaN, Double.NaN, 0);

    /** Forks a judgement needs (see the class comment). */
    static final int MIN_FORKS = 5;

    /** The median and range of {@code means}; {@link #NONE} when there are none. */
    static Stat ofForks(List<Double> means) {
        if (means.isEmpty()) {
            return NONE;
        }
        List<Double> sorted = new ArrayList<>(means);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stat(median, sorted.get(0), sorted.get(n - 1), n);
    }

    static Stat exact(double v) {
        return new Stat(v, v, v, Integer.MAX_VALUE);
    }

    /** {@code this − other}, interval from the worst ends. */
    Stat minus(Stat other) {
        return new Stat(value - other.value, lo - other.hi, hi - other.lo, Math.min(forks, other.forks));
    }

    /**
     * {@code this ÷ other}. Undefined (shown as "—") when other's interval reaches 0 or below: a ratio to an overhead
     * that cannot be told from zero means nothing.
     */
    Stat over(Stat other) {
        if (!(other.lo > 0)) {
            return new Stat(Double.NaN, Double.NaN, Double.NaN, Math.min(forks, other.forks));
        }
        return new Stat(value / other.value, lo / other.hi, hi / other.lo, Math.min(forks, other.forks));
    }

    /** The figure as a ratio: "—" when undefined, else with "×". */
    String asRatio() {
        return Double.isNaN(value) ? "—" : this + "×";
    }

    /** Scales every figure. */
    Stat times(double f) {
        return new Stat(value * f, lo * f, hi * f, forks);
    }

    boolean judgeable() {
        return forks >= MIN_FORKS;
    }

    @Override
    public String toString() {
        if (Double.isNaN(value)) {
            return "—";
        }
        if (lo == hi) {
            return Report.fmt(value);
        }
        return Report.fmt(value) + " [" + Report.fmt(lo) + ", " + Report.fmt(hi) + "]";
    }
}
