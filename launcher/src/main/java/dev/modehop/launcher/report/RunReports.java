package dev.modehop.launcher.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.modehop.core.DataSelection;
import dev.modehop.core.PredictorEvaluation;
import dev.modehop.dashboard.PredictorSeries;
import dev.modehop.events.CheckpointRanking;
import dev.modehop.events.FamilyContribution;
import dev.modehop.events.RankedCheckpoint;
import dev.modehop.events.SourceMove;
import dev.modehop.events.SourceStatistics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The three application reports (data, predictors, checkpoints), as text and, for data, a manifest file. */
public final class RunReports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final int MANIFEST_VERSION = 1;

    private RunReports() {
    }

    // ---- data selection

    public static void printManifest(DataSelection.Manifest m, PrintStream out) {
        out.printf("stable moves toward GENERALIZING (%s): %d%n",
                m.families().isEmpty() ? "every family" : "families " + String.join(", ", m.families()),
                m.stableMovesTowardGeneralizing());
        out.println("windows that trained the model right before them:" + (m.windows().isEmpty() ? " none" : ""));
        for (DataSelection.SelectedWindow w : m.windows()) {
            out.printf(Locale.ROOT, "  %-10s steps %6d-%-6d %-24s before %s%n", w.windowId(), w.startStep(), w.endStep(),
                    mixture(w.mixture()), String.join(", ", w.preceded()));
        }
        if (!m.mixture().isEmpty()) {
            out.println("mixture of the selected windows: " + mixture(m.mixture()));
        }
    }

    /** The manifest a training job reads: version, run, the windows (ids, step ranges, mixtures), the mixture. */
    public static Map<String, Object> manifestJson(DataSelection.Manifest m) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("manifestVersion", MANIFEST_VERSION);
        root.put("kind", "modehop data selection: windows before stable moves toward GENERALIZING");
        root.put("runId", m.runId());
        root.put("families", m.families());
        root.put("stableMovesTowardGeneralizing", m.stableMovesTowardGeneralizing());
        root.put("windows", m.windows());
        root.put("mixture", m.mixture());
        return root;
    }

    public static void writeManifest(DataSelection.Manifest m, Path file) throws IOException {
        JSON.writeValue(file.toFile(), manifestJson(m));
    }

    public static void printSources(SourceStatistics s, PrintStream out) {
        if (s == null) {
            out.println("source statistics: none published (no hop with attributed windows yet)");
            return;
        }
        out.printf("source statistics (as of step %d, %d hops with windows; z against the run's base weight):%n",
                s.getAsOfStep(), s.getHopsCounted());
        out.printf("  %-12s %-13s %5s %7s %12s %12s %7s%n", "source", "toward", "hops", "of run", "mean weight",
                "base weight", "z");
        for (SourceMove m : s.getMoves()) {
            out.printf(Locale.ROOT, "  %-12s %-13s %5d %7d %12.3f %12.3f %7s%n", m.getSource(), m.getToward(), m.getHops(),
                    m.getHopsOfRun(), m.getMeanWeight(), m.getBaseWeight(),
                    m.getZScore() == null ? "-" : String.format(Locale.ROOT, "%+.2f", m.getZScore()));
        }
    }

    // ---- predictor test

    public static void printPredictors(List<PredictorEvaluation.Result> results, PredictorSeries series, PrintStream out) {
        if (results.isEmpty()) {
            out.println("predictor test: not enough checkpoints with both predictors and soft scores (at least "
                    + PredictorEvaluation.MIN_CHECKPOINTS + ")");
            return;
        }
        out.println("predictor vs random baseline (Pearson r with the family's soft score across checkpoints; "
                + "baseline: best |r| of random features of the same shape, " + results.get(0).draws() + " draws):");
        out.printf("  %-12s %-19s %6s %11s %10s %7s %13s %12s  %s%n", "family", "predictor", "layers", "checkpoints",
                "best layer", "r", "baseline mean", "baseline p95", "beats baseline");
        for (PredictorEvaluation.Result r : results) {
            int block = series.bestBlock(r);
            out.printf(Locale.ROOT, "  %-12s %-19s %6d %11d %10s %+7.3f %13.3f %12.3f  %s%n", r.family(), r.predictor(),
                    r.layers(), r.checkpoints(), block < 0 ? "model" : String.valueOf(block), r.bestCorrelation(),
                    r.baselineMean(), r.baselineP95(), r.beatsBaseline() ? "yes" : "no");
        }
    }

    // ---- checkpoint selection

    public static void printCheckpoints(CheckpointRanking ranking, Map<Long, String> folders, int top, PrintStream out) {
        out.printf(Locale.ROOT, "best checkpoint: step %d (score %.3f), leaderboard as of step %d%n",
                ranking.getBestStep(), ranking.getBestScore(), ranking.getAsOfStep());
        out.println("score = sum over families of weight x soft score / sum of weights; weight 1 held or STABLE, "
                + "0.5 undecided or pending, 0.25 TRANSIENT");
        int rank = 0;
        for (RankedCheckpoint e : ranking.getLeaderboard()) {
            if (++rank > top) {
                break;
            }
            out.printf(Locale.ROOT, "%3d. step %6d  score %.3f  %s%n", rank, e.getStep(), e.getScore(),
                    folders.getOrDefault(e.getStep(), "(folder unknown: no checkpoint.ready seen)"));
            for (FamilyContribution f : e.getFamilies()) {
                out.printf(Locale.ROOT, "       %-14s soft %+.3f  weight %.2f  contributes %+.3f%n", f.getFamily(),
                        f.getSoftScore(), f.getWeight(), f.getContribution());
            }
        }
    }

    /** A mixture as "icl 0.90, iwl 0.10": sorted by source, two decimals (1 - 0.9 prints as 0.10). */
    static String mixture(Map<String, Double> mixture) {
        return new TreeMap<>(mixture).entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
    }

    /** The families to select data for: the given ones, or every counted family when none is given. */
    public static Set<String> families(List<String> given) {
        return given == null ? Set.of() : Set.copyOf(given);
    }
}
