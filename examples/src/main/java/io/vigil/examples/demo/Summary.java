package io.vigil.examples.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The summary table: scenario, connection, layer, expected bound, detected at, within bound.
 *
 * <p><b>Thread safety:</b> not thread-safe; filled by the scenario thread.
 */
final class Summary {

    private static final String[] HEADER = {"scenario", "connection", "layer", "expected", "detected", "within"};

    private final List<Row> rows = new ArrayList<>();

    void addAll(List<Row> more) {
        rows.addAll(more);
    }

    /**
     * Returns the rows so far.
     *
     * @return a copy
     */
    List<Row> rows() {
        return List.copyOf(rows);
    }

    /**
     * Tells whether the demo passed: no row missed its bound.
     *
     * @return true if every row is within its bound or could not be shown
     */
    boolean ok() {
        return !rows.isEmpty() && rows.stream().noneMatch(r -> r.outcome() == Row.Outcome.NO);
    }

    /**
     * Prints the table.
     *
     * @param timeline where to
     */
    void print(Timeline timeline) {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Row r : rows) {
            cells.add(new String[] {r.scenario(), r.connection(), r.layer(), r.expected(), r.detected(),
                    r.outcome().toString()});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (int n = 0; n < cells.size(); n++) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < HEADER.length; i++) {
                String cell = cells.get(n)[i];
                line.append(i == 0 ? "" : " | ").append(cell).append(" ".repeat(width[i] - cell.length()));
            }
            timeline.line(line.toString().stripTrailing());
            if (n == 0) {
                StringBuilder rule = new StringBuilder("  ");
                for (int i = 0; i < HEADER.length; i++) {
                    rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
                }
                timeline.line(rule.toString());
            }
        }
    }
}
