package dev.modehop.launcher.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The demo's closing report: on the terminal, and as JSON for tools and tests. */
public final class DemoReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DemoReport() {
    }

    public static void print(RunRecord r, PrintStream out) {
        out.println();
        out.println("=== modehop demo report: run " + r.runId + " ===");
        out.println("mode per checkpoint (G generalizing, M mixed, P parrot, . undecided):");
        for (Map.Entry<String, List<RunRecord.Point>> f : r.families.entrySet()) {
            StringBuilder line = new StringBuilder();
            for (RunRecord.Point p : f.getValue()) {
                line.append(switch (p.mode()) {
                    case "GENERALIZING" -> 'G';
                    case "PARROT" -> 'P';
                    case "MIXED" -> 'M';
                    default -> '.';
                });
            }
            out.printf("  %-12s %s%n", f.getKey(), line);
        }
        out.println("hops:");
        for (RunRecord.Hop h : r.hops) {
            out.printf("  %-12s step %5d  %-12s -> %-12s  %-9s windows %s%n", h.series(), h.step(), h.from(), h.to(),
                    h.stability(), h.windows());
        }
        out.println("control commands:" + (r.controls.isEmpty() ? " none" : ""));
        for (RunRecord.Control c : r.controls) {
            out.printf("  %s %s, applied at training step %d (%s)%n", c.action(), c.mixture(), c.step(), c.reason());
        }
        out.printf("best checkpoint: %s%n", r.bestStep < 0 ? "none" : "step " + r.bestStep
                + String.format(" (score %.3f)", r.bestScore));
        out.println("timings: " + r.timings);
    }

    public static void writeJson(RunRecord r, Path file) throws IOException {
        JSON.writeValue(file.toFile(), r);
    }
}
