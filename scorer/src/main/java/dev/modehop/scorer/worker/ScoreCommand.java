package dev.modehop.scorer.worker;

import dev.modehop.scorer.checkpoint.CheckpointException;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.predictors.GeneralizationPredictors;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.scorer.scoring.ContextOverflow;
import dev.modehop.scorer.scoring.SuiteScore;
import dev.modehop.scorer.scoring.TaskScore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.scorer.generation.GenerativeScorer;
import dev.modehop.scorer.generation.MatchRateScore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Scores one checkpoint folder offline and prints a table, with the checkpoint's generalization predictors
 * below it: what {@code modehop score --checkpoint DIR --suite
 * NAME} runs. Generative tasks print their match rate (metric {@code match_rate}) below the choice tasks; their
 * completions can go to a JSON-lines file ({@code --samples-out}). Exit codes: 0 scored, 2 the checkpoint or suite
 * cannot be used (the message names the file) or a generative task could not be sampled (the other tasks are still
 * printed), 64 bad arguments. Its command line is {@code modehop score} (the launcher's {@code ScoreCommandLine}).
 */
public final class ScoreCommand {
    public static final int OK = 0;
    public static final int UNUSABLE = 2;
    public static final int USAGE = 64;

    private ScoreCommand() {
    }

    /** Default settings (device auto, float32, batch 16), every family of the suite. */
    public static int run(Path checkpoint, String suite, PrintStream out) {
        return run(checkpoint, suite, Set.of(), ScorerSettings.defaults(), out, out);
    }

    /**
     * @param suite    a built suite's name ({@code toy}, {@code starter-en}) or a suite folder
     * @param families families to score; empty = all
     * @param out      the table and progress lines
     * @param err      the error message when the exit code is not 0
     */
    public static int run(Path checkpoint, String suite, Set<String> families, ScorerSettings settings,
                          PrintStream out, PrintStream err) {
        return run(checkpoint, suite, families, settings, null, out, err);
    }

    /**
     * @param samplesOut where every sampled completion goes, one JSON object per line (family, task, questionId,
     *                   seed, sample, completion, matched, finish, tokens); null for none
     */
    public static int run(Path checkpoint, String suite, Set<String> families, ScorerSettings settings, Path samplesOut,
                          PrintStream out, PrintStream err) {
        CheckpointScoring scoring;
        ProbeSuite probes;
        try {
            scoring = new CheckpointScoring(settings);
            probes = scoring.suite(suite).restrictedTo(families);
        } catch (ProbeSuiteException | IllegalArgumentException e) {
            err.println("modehop: error: " + e.getMessage());
            return e instanceof ProbeSuiteException ? UNUSABLE : USAGE;
        }
        try {
            out.print(CheckpointLoader.describe(checkpoint));
            out.println("run     on " + scoring.device() + " in " + settings.dtype());
            CheckpointScoring.Result result;
            try (SampleLines lines = SampleLines.open(samplesOut)) {
                result = scoring.score(checkpoint, probes,
                        p -> out.println("scoring " + probes.name() + ": " + p.describe()), lines);
            }
            out.print(table(checkpoint, result));
            for (ContextOverflow o : result.score().overflows()) {
                err.println("modehop: warning: " + o.describe());
            }
            if (!result.generative().failures().isEmpty()) {
                for (GenerativeScorer.Failure f : result.generative().failures()) {
                    err.println("modehop: error: generative task " + f.family() + "/" + f.task() + " not scored: "
                            + f.reason());
                }
                return UNUSABLE;
            }
            return OK;
        } catch (CheckpointException e) {
            err.println("modehop: error: " + e.getMessage());
            return UNUSABLE;
        } catch (UncheckedIOException e) {
            err.println("modehop: error: " + samplesOut + ": cannot write samples: " + e.getCause().getMessage());
            return UNUSABLE;
        }
    }

    /** {@code --samples-out}: completions as JSON lines, written as they are sampled. */
    private static final class SampleLines implements Consumer<GenerativeScorer.Sample>, AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final BufferedWriter writer;

        private SampleLines(BufferedWriter writer) {
            this.writer = writer;
        }

        static SampleLines open(Path file) {
            if (file == null) {
                return new SampleLines(null);
            }
            try {
                return new SampleLines(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void accept(GenerativeScorer.Sample s) {
            if (writer == null) {
                return;
            }
            ObjectNode line = JSON.createObjectNode().put("family", s.family()).put("task", s.task())
                    .put("questionId", s.questionId()).put("seed", s.seed()).put("sample", s.sampleIndex())
                    .put("completion", s.completion()).put("matched", s.matched()).put("finish", s.finish().name())
                    .put("tokens", s.tokens());
            try {
                writer.write(JSON.writeValueAsString(line));
                writer.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** The result as a fixed-width table with a header and a throughput footer. */
    public static String table(Path checkpoint, CheckpointScoring.Result result) {
        SuiteScore s = result.score();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "checkpoint %s (%s, %,d parameters, %s)%n", checkpoint,
                result.config().architecture(), result.parameters(), result.device()));
        sb.append(String.format(Locale.ROOT, "suite %s %s%n", s.suite(), s.suiteVersion()));
        List<MatchRateScore> generative = result.generative().tasks();
        int fw = Math.max(12, Math.max(s.tasks().stream().mapToInt(t -> t.family().length()).max().orElse(0),
                generative.stream().mapToInt(t -> t.family().length()).max().orElse(0)));
        int tw = Math.max(16, Math.max(s.tasks().stream().mapToInt(t -> t.task().length()).max().orElse(0),
                generative.stream().mapToInt(t -> t.task().length()).max().orElse(0)));
        String header = "%-" + fw + "s %-" + tw + "s %6s %5s %7s %7s %8s %9s%n";
        String line = "%-" + fw + "s %-" + tw + "s %6d %5d %7.3f %7s %+8.3f %+9.3f%n";
        sb.append(String.format(Locale.ROOT, header, "family", "task", "items", "seeds", "hard", "stderr", "soft",
                "logp-marg"));
        for (TaskScore t : s.tasks()) {
            sb.append(String.format(Locale.ROOT, line, t.family(), t.task(), t.items(), t.seedCount(), t.hardAccuracy(),
                    Double.isFinite(t.stderr()) ? String.format(Locale.ROOT, "%.3f", t.stderr()) : "-", t.softScore(),
                    t.logProbMargin()));
        }
        for (ContextOverflow o : s.overflows()) {
            sb.append("refused ").append(o.describe()).append(System.lineSeparator());
        }
        sb.append(String.format(Locale.ROOT, "%d rows, %d sequences, %d tokens in %.2f s (load %.2f s): %.1f items/s, %.0f tokens/s%n",
                s.rows().size(), s.sequences(), s.tokens(), s.seconds(), result.loadSeconds(), s.itemsPerSecond(),
                s.tokensPerSecond()));
        GenerativeScorer.Result g = result.generative();
        if (!g.tasks().isEmpty() || !g.failures().isEmpty()) {
            String gh = "%-" + fw + "s %-" + tw + "s %9s %5s %7s %10s %7s%n";
            String gl = "%-" + fw + "s %-" + tw + "s %9d %5d %7d %10.3f %7s%n";
            sb.append(String.format(Locale.ROOT, gh, "family", "task", "questions", "seeds", "samples", "match rate",
                    "stderr"));
            for (MatchRateScore t : g.tasks()) {
                sb.append(String.format(Locale.ROOT, gl, t.family(), t.task(), t.questions(), t.seedCount(), t.samples(),
                        t.matchRate(), Double.isFinite(t.stderr()) ? String.format(Locale.ROOT, "%.3f", t.stderr()) : "-"));
            }
            for (GenerativeScorer.Failure f : g.failures()) {
                sb.append(String.format(Locale.ROOT, "%-" + fw + "s %-" + tw + "s not scored: %s%n", f.family(), f.task(),
                        f.reason()));
            }
            sb.append(String.format(Locale.ROOT, "%d completions, %d generated tokens in %.2f s: %.0f tokens/s%n",
                    g.completions(), g.tokens(), g.seconds(), g.seconds() > 0 ? g.tokens() / g.seconds() : 0));
        }
        if (result.predictors() != null) {
            GeneralizationPredictors p = result.predictors();
            sb.append(String.format(Locale.ROOT, "predictors (%.2f s):%n", p.seconds()));
            sb.append(String.format(Locale.ROOT, "  parameter L2 norm    %.4f%n", p.parameterL2Norm()));
            if (p.layer() != null) {
                String where = p.layer() < 0 ? "after the final norm" : "block " + p.layer();
                sb.append(String.format(Locale.ROOT, "  RankMe               %s  (%s, %d prompts)%n", value(p.rankMe()),
                        where, p.prompts()));
                sb.append(String.format(Locale.ROOT, "  participation ratio  %s%n", value(p.participationRatio())));
            }
        }
        if (result.predictorsError() != null) {
            sb.append("predictors failed: ").append(result.predictorsError()).append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static String value(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
