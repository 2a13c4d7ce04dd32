package dev.modehop.launcher.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's report and plot show MIXED periods and hops into and out of them. */
class DemoReportTest {
    @TempDir
    Path tmp;

    private static RunRecord record() {
        RunRecord r = new RunRecord();
        r.runId = "toy";
        String[] modes = {"UNDECIDED", "GENERALIZING", "GENERALIZING", "MIXED", "MIXED", "PARROT", "GENERALIZING"};
        double[] acc = {0.5, 0.95, 0.96, 0.5, 0.51, 0.1, 0.9};
        for (int i = 0; i < modes.length; i++) {
            r.point("repetitive", new RunRecord.Point(50L * (i + 1), acc[i], 2 * acc[i] - 1, modes[i]));
        }
        r.hops.add(new RunRecord.Hop("repetitive", 200, 150, "GENERALIZING", "MIXED", "STABLE", -12, List.of()));
        r.hops.add(new RunRecord.Hop("repetitive", 300, 250, "MIXED", "PARROT", "TRANSIENT", -15, List.of()));
        return r;
    }

    @Test
    void theTextReportMarksMixedCheckpointsAndHops() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DemoReport.print(record(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("M mixed"), text);
        assertTrue(text.contains("repetitive   .GGMMPG"), text);
        assertTrue(text.contains("GENERALIZING -> MIXED"), text);
    }

    @Test
    void thePlotShadesMixedPeriods() throws Exception {
        Path png = tmp.resolve("plot.png");
        CurvePlot.write(record(), png);
        BufferedImage image = ImageIO.read(Files.newInputStream(png));
        boolean yellow = false;
        for (int x = 0; x < image.getWidth() && !yellow; x++) {
            for (int y = 0; y < image.getHeight() && !yellow; y++) {
                yellow = (image.getRGB(x, y) & 0xFFFFFF) == 0xFFF1C2;
            }
        }
        assertTrue(yellow, "a MIXED band in the plot");
    }
}
