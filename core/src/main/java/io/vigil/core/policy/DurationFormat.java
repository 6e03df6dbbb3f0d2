package io.vigil.core.policy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * The one way Vigil writes a duration in a message: whole seconds as {@code "5 s"}, anything else in milliseconds
 * with as many decimals as it needs, at most six ({@code "1500 ms"}, {@code "5030.25 ms"}, {@code "0.000003 ms"}).
 * Exact for every value of nanosecond resolution, and the same for settings, limits and measurements.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 *
 * @since 0.1
 */
public final class DurationFormat {

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private DurationFormat() {
    }

    /**
     * Formats a duration.
     *
     * @param d the duration
     * @return the text, with its unit
     */
    public static String format(Duration d) {
        if (d.getNano() == 0) {
            return d.getSeconds() + " s";
        }
        long limit = Long.MAX_VALUE / NANOS_PER_SECOND - 1;
        if (d.getSeconds() < limit && d.getSeconds() > -limit) {
            return formatNanos(d.toNanos());
        }
        // Beyond what a long of nanoseconds holds: the same text, computed exactly.
        BigDecimal millis = BigDecimal.valueOf(d.getSeconds()).movePointRight(3)
                .add(BigDecimal.valueOf(d.getNano()).movePointLeft(6));
        return millis.stripTrailingZeros().toPlainString() + " ms";
    }

    /**
     * Formats a duration given in nanoseconds.
     *
     * @param nanos the duration, nanoseconds
     * @return the text, with its unit
     */
    public static String formatNanos(long nanos) {
        if (nanos % NANOS_PER_SECOND == 0) {
            return nanos / NANOS_PER_SECOND + " s";
        }
        long whole = nanos / NANOS_PER_MILLI;
        long fraction = Math.abs(nanos % NANOS_PER_MILLI);
        if (fraction == 0) {
            return whole + " ms";
        }
        String decimals = String.format(Locale.ROOT, "%06d", fraction).replaceAll("0+$", "");
        return (nanos < 0 && whole == 0 ? "-" : "") + whole + "." + decimals + " ms";
    }
}
