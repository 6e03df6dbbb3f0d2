package io.vigil.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws the chart of BENCHMARKS.md with {@code java.awt} (headless): overhead against channel count, ISH against
 * Vigil, for the read path and for a timer re-arm, on log–log axes.
 *
 * <p><b>Thread safety:</b> a command-line helper.
 *
 * @since 0.1
 */
final class Chart {

    private static final int W = 1000;
    private static final int H = 480;
    private static final Color ISH = new Color(0xD0, 0x45, 0x2F);
    private static final Color VIGIL = new Color(0x2B, 0x6C, 0xB0);
    private static final double[] X = {1e3, 1e5, 1e6};
    private static final String[] X_LABELS = {"1k", "100k", "1M"};

    private Chart() {
    }

    /**
     * Writes the PNG.
     *
     * @param file where
     * @param read read-path overhead, ns: [0] ISH, [1] Vigil, by channel count
     * @param rearm re-arm cost, ns: [0] ISH, [1] Vigil, by channel count
     * @throws IOException if it cannot be written
     */
    static void write(Path file, double[][] read, double[][] rearm) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString("Overhead against channel count: IdleStateHandler vs Vigil (same run, log-log)", 20, 26);
            panel(g, 20, 50, W / 2 - 30, H - 70, "Read path: overhead over bare (ns per read batch)", read);
            panel(g, W / 2 + 10, 50, W / 2 - 30, H - 70, "Timer re-arm, random deadlines (ns per op)", rearm);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, int y0, int w, int h, String title, double[][] series) {
        int left = x0 + 60;
        int right = x0 + w - 10;
        int top = y0 + 30;
        int bottom = y0 + h - 50;
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double[] s : series) {
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
        double lo = Math.pow(10, Math.floor(Math.log10(min)));
        double hi = Math.pow(10, Math.ceil(Math.log10(max)));
        if (hi <= lo) {
            hi = lo * 10;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, x0 + 10, y0 + 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double d = lo; d <= hi * 1.0001; d *= 10) {
            int y = yOf(d, lo, hi, top, bottom);
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(d), x0 + 5, y + 4);
        }
        for (int i = 0; i < X.length; i++) {
            int x = xOf(X[i], left, right);
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            g.drawString(X_LABELS[i], x - 12, bottom + 18);
        }
        g.drawString("channels", (left + right) / 2 - 25, bottom + 36);
        g.setColor(Color.GRAY);
        g.drawRect(left, top, right - left, bottom - top);
        String[] names = {"IdleStateHandler", "Vigil"};
        Color[] colors = {ISH, VIGIL};
        for (int s = 0; s < series.length; s++) {
            g.setColor(colors[s]);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < X.length; i++) {
                double v = series[s][i];
                if (!(v > 0)) {
                    px = -1;
                    continue;
                }
                int x = xOf(X[i], left, right);
                int y = yOf(v, lo, hi, top, bottom);
                g.fillOval(x - 4, y - 4, 8, 8);
                g.drawString(Report.fmt(v), x + 6, y - 6);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.fillRect(left + 10, top + 10 + 18 * s, 14, 4);
            g.drawString(names[s], left + 30, top + 16 + 18 * s);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static String label(double v) {
        return v >= 1000 ? Report.fmt(v / 1000) + " µs" : Report.fmt(v) + " ns";
    }

    private static int xOf(double v, int left, int right) {
        double f = (Math.log10(v) - 3) / 3;
        return (int) Math.round(left + 20 + f * (right - left - 60));
    }

    private static int yOf(double v, double lo, double hi, int top, int bottom) {
        double f = (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        return (int) Math.round(bottom - f * (bottom - top));
    }
}
