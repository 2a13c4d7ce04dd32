package dev.modehop.launcher.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws a run's curves as a PNG: one panel per family with hard accuracy (solid) and soft score (dashed,
 * right axis), mode shading, data windows as bands tinted by their first source's weight, hops as
 * vertical lines coloured by verdict (green STABLE, orange TRANSIENT, grey PENDING) and control commands
 * as triangles.
 */
public final class CurvePlot {
    private static final int WIDTH = 1200;
    private static final int PANEL = 260;
    private static final int LEFT = 70;
    private static final int RIGHT = 60;
    private static final int TOP = 64;
    private static final Color GEN = new Color(0xD8F2E6);
    private static final Color PARROT = new Color(0xFBE0E0);
    private static final Color MIXED = new Color(0xFFF1C2);

    private CurvePlot() {
    }

    public static void write(RunRecord run, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int panels = Math.max(1, run.families.size());
        int height = TOP + panels * (PANEL + 74) + 10;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("modehop: run " + run.runId + (run.bestStep >= 0 ? "   (best checkpoint: step " + run.bestStep + ")" : ""),
                LEFT, 24);
        long maxStep = 1;
        for (List<RunRecord.Point> pts : run.families.values()) {
            for (RunRecord.Point p : pts) {
                maxStep = Math.max(maxStep, p.step());
            }
        }
        for (RunRecord.Window w : run.windows) {
            maxStep = Math.max(maxStep, Math.min(w.endStep(), maxStep + maxStep / 10));
        }
        int y0 = TOP;
        for (Map.Entry<String, List<RunRecord.Point>> f : run.families.entrySet()) {
            drawPanel(g, run, f.getKey(), f.getValue(), y0, maxStep);
            y0 += PANEL + 74;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void drawPanel(Graphics2D g, RunRecord run, String family, List<RunRecord.Point> points, int top,
                                  long maxStep) {
        int plotW = WIDTH - LEFT - RIGHT;
        int bottom = top + PANEL;
        java.util.function.LongToIntFunction x = s -> LEFT + (int) Math.round(plotW * (double) s / maxStep);
        java.util.function.DoubleToIntFunction y = v -> bottom - (int) Math.round(PANEL * v);
        // Mode shading: each checkpoint's confirmed mode from halfway to its neighbours.
        for (int i = 0; i < points.size(); i++) {
            RunRecord.Point p = points.get(i);
            int px = x.applyAsInt(p.step());
            int from = i == 0 ? Math.max(LEFT, px - 10) : (x.applyAsInt(points.get(i - 1).step()) + px) / 2;
            int to = i == points.size() - 1 ? px : (px + x.applyAsInt(points.get(i + 1).step())) / 2;
            g.setColor(switch (String.valueOf(p.mode())) {
                case "GENERALIZING" -> GEN;
                case "PARROT" -> PARROT;
                case "MIXED" -> MIXED;
                default -> new Color(0xEEEEEE);
            });
            g.fillRect(from, top, Math.max(1, to - from), PANEL);
        }
        // Data windows as a band under the plot.
        for (RunRecord.Window w : run.windows) {
            double share = w.mixture().isEmpty() ? 0.5 : w.mixture().values().iterator().next();
            int a = x.applyAsInt(w.startStep());
            int b = x.applyAsInt(Math.min(w.endStep(), maxStep));
            g.setColor(new Color(60, 90, 200, (int) (40 + 180 * Math.max(0, Math.min(1, share)))));
            g.fillRect(a, bottom + 3, Math.max(1, b - a - 1), 14);
            g.setColor(share > 0.5 ? Color.WHITE : Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            String label = w.mixture().isEmpty() ? w.windowId() : String.format("%s %.1f",
                    w.mixture().keySet().iterator().next(), share);
            if (b - a > 40) {
                g.drawString(label, a + 3, bottom + 14);
            }
        }
        // Axes and grid.
        g.setColor(new Color(0xBBBBBB));
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f));
        g.drawLine(LEFT, y.applyAsInt(0.5), LEFT + plotW, y.applyAsInt(0.5));
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, top, plotW, PANEL);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double v : new double[] {0, 0.25, 0.5, 0.75, 1}) {
            g.drawString(String.format("%.2f", v), LEFT - 34, y.applyAsInt(v) + 4);
            g.drawString(String.format("%+.1f", 2 * v - 1), LEFT + plotW + 6, y.applyAsInt(v) + 4);
        }
        for (int i = 0; i <= 10; i++) {
            long s = maxStep * i / 10;
            g.drawString(Long.toString(s), x.applyAsInt(s) - 10, bottom + 46);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(family + "  (hard accuracy solid, soft score dashed; shading: confirmed mode, green generalizing, yellow mixed, red parrot; band: data windows)",
                LEFT, top - 8);
        // Hops.
        for (RunRecord.Hop h : run.hopsOf(family)) {
            Color c = "STABLE".equals(h.stability()) ? new Color(0x1B7F3B)
                    : "TRANSIENT".equals(h.stability()) ? new Color(0xE07B00) : Color.GRAY;
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            int hx = x.applyAsInt(h.step());
            g.drawLine(hx, top, hx, bottom);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            g.drawString((rank(h.to()) < rank(h.from()) ? "v " : "^ ") + h.to() + " " + h.stability(), hx + 3, top + 12);
        }
        // Curves.
        g.setStroke(new BasicStroke(2f));
        g.setColor(new Color(0x1F4FD8));
        for (int i = 1; i < points.size(); i++) {
            g.drawLine(x.applyAsInt(points.get(i - 1).step()), y.applyAsInt(points.get(i - 1).hardAccuracy()),
                    x.applyAsInt(points.get(i).step()), y.applyAsInt(points.get(i).hardAccuracy()));
        }
        g.setColor(new Color(0xD8501F));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        for (int i = 1; i < points.size(); i++) {
            g.drawLine(x.applyAsInt(points.get(i - 1).step()), y.applyAsInt((points.get(i - 1).softScore() + 1) / 2),
                    x.applyAsInt(points.get(i).step()), y.applyAsInt((points.get(i).softScore() + 1) / 2));
        }
        // Control commands.
        g.setStroke(new BasicStroke(1f));
        g.setColor(new Color(0x7A1FA2));
        for (RunRecord.Control c : run.controls) {
            int cx = x.applyAsInt(c.step());
            g.fillPolygon(new int[] {cx - 6, cx + 6, cx}, new int[] {bottom - 2, bottom - 2, bottom - 14}, 3);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            g.drawString(c.action(), cx + 7, bottom - 4);
        }
    }

    /** Modes from the parrot end to the generalizing end, for the arrow of a hop. */
    private static int rank(String mode) {
        return switch (String.valueOf(mode)) {
            case "PARROT" -> 0;
            case "MIXED" -> 1;
            case "GENERALIZING" -> 2;
            default -> -1;
        };
    }
}
