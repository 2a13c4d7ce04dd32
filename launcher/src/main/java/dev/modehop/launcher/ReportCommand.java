package dev.modehop.launcher;

import dev.modehop.core.DataSelection;
import dev.modehop.core.PredictorEvaluation;
import dev.modehop.dashboard.PredictorSeries;
import dev.modehop.launcher.report.RunLog;
import dev.modehop.launcher.report.RunReports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code modehop report data|predictors|checkpoints}: the paper's three applications for one run, from the topics. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Reports on one run from its topics: which data to train on (data), whether the "
                + "generalization predictors beat a random baseline (predictors), which checkpoints to keep "
                + "(checkpoints).",
        subcommands = {ReportCommand.Data.class, ReportCommand.Predictors.class, ReportCommand.Checkpoints.class})
final class ReportCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every report takes. */
    static final class RunOptions {
        @Option(names = "--run", required = true, description = "the run id")
        String run;

        @Option(names = "--read-timeout", defaultValue = "PT60S",
                description = "longest time to read the run from the topics, ISO-8601 (default: ${DEFAULT-VALUE})")
        Duration readTimeout;

        @Mixin
        Connection connection;

        RunLog read() {
            RunLog log = RunLog.read(connection.bootstrap, connection.topics(), run, readTimeout);
            if (log.isEmpty()) {
                throw new UserInputException("no records of run '" + run + "' on the topics (check --run and --topic-prefix)");
            }
            return log;
        }
    }

    @Command(name = "data", mixinStandardHelpOptions = true,
            description = "Prints the data windows that trained the model right before its stable moves toward "
                    + "GENERALIZING and the per-source statistics, and writes them as a manifest (JSON: window ids, "
                    + "step ranges, mixtures, the selected mixture) for a continued-pretraining job.")
    static final class Data implements Callable<Integer> {
        @Mixin
        RunOptions options;

        @Option(names = "--family", split = ",", paramLabel = "FAMILY",
                description = "families whose moves count (default: every family with modes)")
        List<String> families;

        @Option(names = "--manifest", paramLabel = "FILE",
                description = "where to write the manifest (default: data-manifest-<run>.json)")
        Path manifest;

        @Override
        public Integer call() throws Exception {
            RunLog log = options.read();
            DataSelection.Manifest m = DataSelection.select(log.runId, log.moves(), log.windowList(),
                    RunReports.families(families));
            System.out.println("run " + log.runId + ":");
            RunReports.printManifest(m, System.out);
            RunReports.printSources(log.sources, System.out);
            Path file = manifest != null ? manifest : Path.of("data-manifest-" + log.runId.replaceAll("[^A-Za-z0-9._-]", "_")
                    + ".json");
            RunReports.writeManifest(m, file);
            System.out.println("manifest: " + file + " (" + m.windows().size() + " windows)");
            return 0;
        }
    }

    @Command(name = "predictors", mixinStandardHelpOptions = true,
            description = "Tests each generalization predictor (parameter L2 norm, RankMe, participation ratio; per "
                    + "measured layer) against each family's soft score across the run's checkpoints: Pearson r, the "
                    + "best layer, and a random baseline under the same best-layer selection.")
    static final class Predictors implements Callable<Integer> {
        @Mixin
        RunOptions options;

        @Override
        public Integer call() {
            RunLog log = options.read();
            PredictorSeries series = PredictorSeries.of(log.predictors.values());
            List<PredictorEvaluation.Result> published = log.publishedPredictorTest();
            if (published != null) {
                // the stream job's test (modehop.predictor.test): the whole run, as the job paired it
                System.out.println("run " + log.runId + " (the stream job's predictor test, modehop.predictor.test):");
                RunReports.printPredictors(published, series, System.out);
                return published.isEmpty() ? 1 : 0;
            }
            if (series.values.isEmpty()) {
                throw new UserInputException("run '" + log.runId + "' has no checkpoint.predictors records (scorers "
                        + "measure them unless predictors are off)");
            }
            List<PredictorEvaluation.Result> results = series.test(log.runId, log.soft);
            System.out.println("run " + log.runId + ":");
            RunReports.printPredictors(results, series, System.out);
            return results.isEmpty() ? 1 : 0;
        }
    }

    @Command(name = "checkpoints", mixinStandardHelpOptions = true,
            description = "Prints the run's top checkpoints with their folders and why they rank there (per-family "
                    + "soft scores, stability weights and contributions).")
    static final class Checkpoints implements Callable<Integer> {
        @Mixin
        RunOptions options;

        @Option(names = "--top", defaultValue = "5", description = "how many (default: ${DEFAULT-VALUE})")
        int top;

        @Override
        public Integer call() {
            if (top < 1) {
                throw new UserInputException("--top must be at least 1: " + top);
            }
            RunLog log = options.read();
            if (log.ranking == null) {
                throw new UserInputException("run '" + log.runId + "' has no checkpoint ranking yet (no checkpoint "
                        + "with probe families processed)");
            }
            System.out.println("run " + log.runId + ":");
            RunReports.printCheckpoints(log.ranking, log.checkpoints, top, System.out);
            return 0;
        }
    }
}
