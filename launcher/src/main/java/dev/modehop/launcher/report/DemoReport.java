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
        out.println("averaging tests (weights of the checkpoints around a judged hop averaged and scored; one AdamW step"
                + " from the hop's checkpoint):" + (r.averaging.isEmpty() ? " none" : ""));
        for (RunRecord.Averaging a : r.averaging) {
            if (!"DONE".equals(a.status())) {
                out.printf("  %-12s step %5d  %s: %s%n", a.series(), a.hopStep(), a.status(), a.reason());
                continue;
            }
            StringBuilder line = new StringBuilder();
            for (RunRecord.AveragedFamily f : a.families()) {
                line.append(String.format(java.util.Locale.ROOT, "%s %s (%.2f -> %.2f, average %.2f %s", f.family(),
                        f.outcome(), f.oldAccuracy(), f.newAccuracy(), f.averageAccuracy(), f.averageMode()));
                if (f.oneStepChange() != null) {
                    line.append(String.format(java.util.Locale.ROOT, "; one step |dP| %.3f vs hop %.3f", f.oneStepChange(),
                            f.hopChange()));
                }
                line.append(")  ");
            }
            out.printf("  %-12s step %5d  steps %d-%d: %s%s%n", a.series(), a.hopStep(), a.steps().get(0),
                    a.steps().get(a.steps().size() - 1), line.toString().strip(),
                    "DONE".equals(a.oneStep()) ? "" : "  one step: " + a.oneStep());
        }
        out.println("control commands:" + (r.controls.isEmpty() ? " none" : ""));
        for (RunRecord.Control c : r.controls) {
            out.printf("  %s %s, applied at training step %d (%s)%n", c.action(), c.mixture(), c.step(), c.reason());
        }
        out.printf("best checkpoint: %s%n", r.bestStep < 0 ? "none" : "step " + r.bestStep
                + String.format(" (score %.3f)", r.bestScore));
        if (r.dataManifest != null) {
            out.println("data manifest (windows right before stable moves toward GENERALIZING of "
                    + r.dataManifest.get("families") + "):");
            @SuppressWarnings("unchecked")
            List<dev.modehop.core.DataSelection.SelectedWindow> windows =
                    (List<dev.modehop.core.DataSelection.SelectedWindow>) r.dataManifest.get("windows");
            for (dev.modehop.core.DataSelection.SelectedWindow w : windows) {
                out.printf("  %-6s steps %5d-%-5d %s%n", w.windowId(), w.startStep(), w.endStep(),
                        RunReports.mixture(w.mixture()));
            }
            @SuppressWarnings("unchecked")
            Map<String, Double> selected = (Map<String, Double>) r.dataManifest.get("mixture");
            out.println("  selected mixture: " + RunReports.mixture(selected));
        }
        if (!r.predictorTests.isEmpty()) {
            out.println("predictor vs random baseline (r with the soft score; baseline best |r| mean / p95; from "
                    + r.predictorTestSource + "):");
            for (RunRecord.PredictorRow p : r.predictorTests) {
                out.printf(java.util.Locale.ROOT, "  %-12s %-19s r %+.3f  baseline %.3f / %.3f  %s%n", p.family(),
                        p.predictor(), p.correlation(), p.baselineMean(), p.baselineP95(),
                        p.beatsBaseline() ? "beats it" : "does not beat it");
            }
        }
        out.println("timings: " + r.timings);
    }

    public static void writeJson(RunRecord r, Path file) throws IOException {
        JSON.writeValue(file.toFile(), r);
    }
}
