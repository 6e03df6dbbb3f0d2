package io.vigil.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws the charts of BENCHMARKS.md with {@code java.awt} (headless): line panels on log–log axes (overhead against
 * channel count, one series per implementation) and grouped bar panels (latency percentiles, idle-fleet CPU and
 * memory). Missing values (NaN, ≤ 0) are left out.
 *
 * <p><b>Thread safety:</b> a command-line helper.
 *
 * @since 0.1
 */
final class Chart {

    private static final int PANEL_W = 480;
    private static final int PANEL_H = 380;
    private static final Color[] COLORS = {new Color(0xD0, 0x45, 0x2F), new Color(0x2B, 0x6C, 0xB0),
        new Color(0x3C, 0x9A, 0x4A), new Color(0x8E, 0x5A, 0xB8), new Color(0xE0, 0x9A, 0x20),
        new Color(0x55, 0x55, 0x55)};

    /**
     * One panel.
     *
     * @param title the panel's title
     * @param groups x labels (line panels: channel counts, as numbers in the labels' order)
     * @param x x positions for line panels (null for bars)
     * @param series series names
     * @param values values[series][group]
     * @param unit the y unit ("ns", "µs", "%", "B", ...)
     * @param log log y axis
     */
    record Panel(String title, String[] groups, double[] x, String[] series, double[][] values, String unit,
                 boolean log) {
    }

    private Chart() {
    }

    /**
     * Writes a PNG of panels, two per row.
     *
     * @param file where
     * @param title the image's title
     * @param panels the panels
     * @throws IOException if it cannot be written
     */
    static void write(Path file, String title, List<Panel> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int cols = Math.min(2, Math.max(1, panels.size()));
        int rows = (panels.size() + cols - 1) / cols;
        int w = cols * PANEL_W + 20;
        int h = rows * PANEL_H + 50;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, 15, 24);
            for (int i = 0; i < panels.size(); i++) {
                int x0 = 10 + (i % cols) * PANEL_W;
                int y0 = 40 + (i / cols) * PANEL_H;
                panel(g, x0, y0, PANEL_W - 20, PANEL_H - 10, panels.get(i));
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, int y0, int w, int h, Panel p) {
        int left = x0 + 62;
        int right = x0 + w - 10;
        int top = y0 + 30;
        int bottom = y0 + h - 45;
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double[] s : p.values()) {
            for (double v : s) {
                if (v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (max == 0) {
            min = 1;
            max = 10;
        }
        double lo;
        double hi;
        if (p.log()) {
            lo = Math.pow(10, Math.floor(Math.log10(min)));
            hi = Math.pow(10, Math.ceil(Math.log10(max)));
            if (hi <= lo) {
                hi = lo * 10;
            }
        } else {
            lo = 0;
            hi = max * 1.15;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.setColor(Color.BLACK);
        g.drawString(p.title(), x0 + 5, y0 + 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int ticks = p.log() ? (int) Math.round(Math.log10(hi / lo)) : 5;
        for (int t = 0; t <= ticks; t++) {
            double d = p.log() ? lo * Math.pow(10, t) : lo + (hi - lo) * t / ticks;
            int y = yOf(d, lo, hi, top, bottom, p.log());
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(Report.fmt(d) + " " + p.unit(), x0 + 2, y + 4);
        }
        int n = p.groups().length;
        g.setColor(Color.GRAY);
        g.drawRect(left, top, right - left, bottom - top);
        for (int i = 0; i < n; i++) {
            int x = xOf(p, i, left, right);
            g.setColor(Color.DARK_GRAY);
            g.drawString(p.groups()[i], x - 12, bottom + 16);
        }
        int barW = Math.max(4, (right - left) / Math.max(1, n) / (p.series().length + 1));
        for (int s = 0; s < p.series().length; s++) {
            Color c = COLORS[s % COLORS.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2.2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < n; i++) {
                double v = i < p.values()[s].length ? p.values()[s][i] : Double.NaN;
                if (!(v > 0)) {
                    px = -1;
                    continue;
                }
                int x = xOf(p, i, left, right);
                int y = yOf(v, lo, hi, top, bottom, p.log());
                if (p.x() == null) {
                    int bx = x - (p.series().length * barW) / 2 + s * barW;
                    g.fillRect(bx, y, barW - 2, bottom - y);
                } else {
                    g.fillOval(x - 3, y - 3, 7, 7);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    px = x;
                    py = y;
                }
            }
            g.fillRect(left + 8, top + 8 + 15 * s, 12, 4);
            g.drawString(p.series()[s], left + 24, top + 14 + 15 * s);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int xOf(Panel p, int i, int left, int right) {
        int n = p.groups().length;
        if (p.x() == null || n < 2) {
            return left + (int) Math.round((i + 0.5) * (right - left) / Math.max(1, n));
        }
        double a = Math.log10(p.x()[0]);
        double b = Math.log10(p.x()[n - 1]);
        double f = b > a ? (Math.log10(p.x()[i]) - a) / (b - a) : 0.5;
        return (int) Math.round(left + 30 + f * (right - left - 60));
    }

    private static int yOf(double v, double lo, double hi, int top, int bottom, boolean log) {
        double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        return (int) Math.round(bottom - f * (bottom - top));
    }
}
