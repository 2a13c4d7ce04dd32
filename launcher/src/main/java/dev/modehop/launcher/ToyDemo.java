package dev.modehop.launcher;

import dev.modehop.core.AlertRules;
import dev.modehop.core.DataSelection;
import dev.modehop.core.PredictorEvaluation;
import dev.modehop.dashboard.PredictorSeries;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.launcher.report.RunReports;
import dev.modehop.core.MonitorConfig;
import dev.modehop.dashboard.DashboardServer;
import dev.modehop.events.AveragingRequest;
import dev.modehop.events.CheckpointRanking;
import dev.modehop.events.ControlAction;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.HopAveraging;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.ProbeScore;
import dev.modehop.launcher.report.RunRecord;
import dev.modehop.producers.sdk.TrainingRunClient;
import dev.modehop.toyrun.DataWindow;
import dev.modehop.toyrun.ToyRun;
import dev.modehop.toyrun.ToyRunConfig;
import dev.modehop.toyrun.ToyRunListener;
import dev.modehop.scorer.worker.AveragingWorker;
import dev.modehop.scorer.worker.ScorerSettings;
import dev.modehop.scorer.worker.ScorerWorker;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The main job on the embedded default, in one JVM: broker, registry, Kafka Streams job, a scorer
 * worker, the dashboard and a toy pre-training run whose data windows make it hop. The run publishes
 * checkpoints and windows through the training SDK and obeys control commands; what the monitor
 * publishes is followed like any downstream service would, and collected into a {@link RunRecord}.
 */
public final class ToyDemo {
    /**
     * Demo settings. {@code steps} 0 keeps the default schedule's 3,000 steps. {@code resumeAt} above 0 trains
     * the schedule up to that step and the rest at {@code resumePIcl} ({@link ToyRunConfig#resumedAt}): the
     * toy run resumed on a data manifest's mixture.
     */
    public record Options(long seed, int steps, boolean control, boolean dashboard, int dashboardPort,
                          PrintStream out, int resumeAt, double resumePIcl) {
        public Options(long seed, int steps, boolean control, boolean dashboard, int dashboardPort, PrintStream out) {
            this(seed, steps, control, dashboard, dashboardPort, out, 0, Double.NaN);
        }
    }

    static final String STEER_RULE = "steer-back: when flipped hops to PARROT and is STABLE then alert CRITICAL, "
            + "adjust-mixture icl=0.9 iwl=0.1";
    /** The family whose moves toward GENERALIZING select data: the toy analogue of the flipped probe. */
    static final String WATCHED_FAMILY = "flipped";
    /** How long the demo waits, after training, for the job's predictor test of the last checkpoint. */
    static final Duration PUBLISHED_TEST_WAIT = Duration.ofSeconds(30);
    static final String ALERT_RULES = """
            hop-to-parrot: when * hops to PARROT then alert WARN
            dip: when * hops to * and is TRANSIENT then alert INFO
            averaging-stable: when flipped hops to * and is STABLE then averaging-test
            averaging-dip: when flipped hops to * and is TRANSIENT then averaging-test
            """;

    private ToyDemo() {
    }

    public static RunRecord run(Options o) throws Exception {
        // Training and scoring run on their own threads in this JVM: with one PyTorch thread each they get a
        // core each instead of contending for both. Must be set before the engine loads; a user's -D wins.
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
        System.setProperty("ai.djl.pytorch.num_interop_threads",
                System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        PrintStream out = o.out();
        AlertRules rules = AlertRules.parse(ALERT_RULES + (o.control() ? STEER_RULE + "\n" : ""));
        MonitorConfig config = MonitorConfig.builder().rules(rules).build();
        String runId = "toy-seed" + o.seed();
        RunRecord record = new RunRecord();
        record.runId = runId;
        Path checkpoints = Files.createTempDirectory("modehop-toyrun-");
        long started = System.nanoTime();
        out.println("demo: starting the embedded broker, registry, detection job and scorer...");
        try (EmbeddedStack stack = EmbeddedStack.start(null, 0, 0, 1, config)) {
            String bootstrap = stack.kafka.bootstrapServers();
            Map<Long, Long> announcedAt = new ConcurrentHashMap<>();
            Map<Long, Long> scoringMs = new ConcurrentHashMap<>();
            List<Long> hopDelaysMs = java.util.Collections.synchronizedList(new ArrayList<>());
            Map<String, String> currentMode = new ConcurrentHashMap<>();
            Map<Long, CheckpointPredictors> predictors = new ConcurrentHashMap<>();
            AtomicReference<dev.modehop.events.PredictorEvaluation> publishedTest = new AtomicReference<>();
            ScorerWorker scorer = ScorerWorker.create(Map.of("bootstrap.servers", bootstrap), "modehop-demo-scorer",
                    stack.topics, ScorerSettings.builder().defaultSuite("toy").build(), "demo-scorer",
                    new PrintStream(OutputStream.nullOutputStream()));
            Thread scorerThread = new Thread(scorer, "scorer-worker");
            scorerThread.setDaemon(true);
            scorerThread.start();
            AveragingWorker averager = AveragingWorker.create(Map.of("bootstrap.servers", bootstrap),
                    "modehop-demo-averaging", stack.topics, ScorerSettings.builder().defaultSuite("toy").build(),
                    AveragingWorker.Settings.defaults(), "demo-averaging", new PrintStream(OutputStream.nullOutputStream()));
            Thread averagerThread = new Thread(averager, "averaging-worker");
            averagerThread.setDaemon(true);
            averagerThread.start();
            List<String> averagingAsked = java.util.Collections.synchronizedList(new ArrayList<>());
            DashboardServer dashboard = o.dashboard()
                    ? DashboardServer.start(bootstrap, stack.registry.url(), "", o.dashboardPort(), null) : null;
            try (TopicFollower watcher = new TopicFollower(bootstrap, stack.topics, value -> {
                if (value instanceof AveragingRequest a) {
                    averagingAsked.add(a.getId());
                }
                collect(value, record, announcedAt, hopDelaysMs, currentMode, out);
            });
                 TopicFollower scores = new TopicFollower(bootstrap, List.of(stack.topics.probeScored),
                         v -> scoringMs.merge(((ProbeScore) v).getStep(), ((ProbeScore) v).getDurationMs(), Long::sum));
                 TopicFollower averaged = new TopicFollower(bootstrap, List.of(stack.topics.hopAveraging),
                         v -> averagingResult((HopAveraging) v, record, out));
                 TopicFollower predictorFollower = new TopicFollower(bootstrap, List.of(stack.topics.checkpointPredictors),
                         v -> predictors.put(((CheckpointPredictors) v).getStep(), (CheckpointPredictors) v));
                 TopicFollower predictorTests = new TopicFollower(bootstrap, List.of(stack.topics.predictorTest),
                         v -> publishedTest.set((dev.modehop.events.PredictorEvaluation) v));
                 TrainingRunClient client = new TrainingRunClient(runId, stack.topics, bootstrap, Map.of())) {
                ToyRunConfig toyConfig = ToyRunConfig.defaults(checkpoints, o.seed());
                if (o.steps() > 0) {
                    toyConfig = toyConfig.scaledTo(o.steps());
                }
                if (o.resumeAt() > 0) {
                    toyConfig = toyConfig.resumedAt(o.resumeAt(), o.resumePIcl());
                }
                ToyRun[] holder = new ToyRun[1];
                long[] trainingNanos = new long[1];
                client.onControl(c -> obey(c, holder[0], record, out));
                ToyRunListener listener = new ToyRunListener() {
                    @Override
                    public void onCheckpoint(long step, Path folder, double trainLoss) {
                        announcedAt.put(step, System.currentTimeMillis());
                        client.checkpointReady(step, step * 64L * 18, folder.toString(), trainLoss, "toy");
                        out.printf("train  step %5d  loss %.3f  scored %2d/%-2d  modes %s%n", step, trainLoss,
                                scoringMs.size(), announcedAt.size(), new TreeMap<>(currentMode));
                    }

                    @Override
                    public void onWindowOpened(DataWindow w) {
                        publish(w);
                    }

                    @Override
                    public void onWindowClosed(DataWindow w) {
                        publish(w);
                    }

                    private void publish(DataWindow w) {
                        client.dataWindow(w.windowId(), w.startStep(), w.endStep(), w.tokens(), w.mixture());
                        record.window(new RunRecord.Window(w.windowId(), w.startStep(), w.endStep(), w.mixture()));
                    }
                };
                out.printf("demo: up in %.1f s; training a %d-step toy run (seed %d, control %s)%s%n",
                        (System.nanoTime() - started) / 1e9, toyConfig.totalSteps(), o.seed(), o.control() ? "on" : "off",
                        dashboard == null ? "" : "; dashboard " + dashboard.url());
                long lastStep;
                try (ToyRun toy = new ToyRun(toyConfig, listener)) {
                    holder[0] = toy;
                    long t0 = System.nanoTime();
                    lastStep = toy.run();
                    trainingNanos[0] = System.nanoTime() - t0;
                }
                client.runFinished(lastStep, "completed");
                long expected = lastStep;
                boolean complete = watcher.await(() -> record.allFamiliesReached(expected), Duration.ofSeconds(120));
                if (!complete) {
                    out.println("demo: warning: the last checkpoint's scores did not arrive within 120 s");
                }
                Thread.sleep(300);
                // the averaging tests of the last verdicts run after training: wait for their answers too
                boolean answered = averaged.await(() -> record.averaging.size() >= averagingAsked.size(),
                        Duration.ofSeconds(180));
                if (!answered) {
                    out.println("demo: warning: " + (averagingAsked.size() - record.averaging.size())
                            + " averaging tests did not answer within 180 s");
                }
                record.timings.put("trainingStepsPerSecond", round(lastStep / (trainingNanos[0] / 1e9)));
                record.timings.put("trainingSeconds", round(trainingNanos[0] / 1e9));
                record.timings.put("checkpointsScored", scoringMs.size());
                record.timings.put("scoringMsPerCheckpointMedian", median(new ArrayList<>(scoringMs.values())));
                record.timings.put("checkpointToHopMsMedian", median(new ArrayList<>(hopDelaysMs)));
                record.timings.put("checkpointToHopMsMax", hopDelaysMs.stream().mapToLong(Long::longValue).max().orElse(-1));
                record.timings.put("totalSeconds", round((System.nanoTime() - started) / 1e9));
                applications(record, predictors.values(), publishedTest, predictorTests, out);
            } finally {
                scorer.close();
                averager.close();
                scorerThread.join(10_000);
                averagerThread.join(10_000);
                if (dashboard != null) {
                    dashboard.close();
                }
            }
        } finally {
            deleteQuietly(checkpoints);
        }
        return record;
    }

    /** Hops of a family per 1,000 training steps from {@code fromStep} (exclusive) to {@code toStep}. */
    static double hopsPer1000(RunRecord r, String family, long fromStep, long toStep) {
        long hops = r.hopsOf(family).stream().filter(h -> h.step() > fromStep && h.step() <= toStep).count();
        return 1000.0 * hops / (toStep - fromStep);
    }

    /**
     * The data manifest and the predictor test of what the demo saw. The predictor table is the stream job's
     * published test (modehop.predictor.test) once it covers every checkpoint the demo saw predictors and scores
     * for; the job publishes it per checkpoint, so the demo waits a little for the last one. Only when it does not
     * come is the table computed here, from the same records, and the report says so.
     */
    static void applications(RunRecord record, java.util.Collection<CheckpointPredictors> predictors,
                             AtomicReference<dev.modehop.events.PredictorEvaluation> published,
                             TopicFollower predictorTests, PrintStream out) throws InterruptedException {
        record.dataManifest = RunReports.manifestJson(DataSelection.select(record.runId, record.moves(),
                record.trainingWindows(), Set.of(WATCHED_FAMILY)));
        List<PredictorEvaluation.Result> local = PredictorSeries.of(predictors).test(record.runId, record.softScores());
        List<PredictorEvaluation.Result> results = local;
        record.predictorTestSource = "computed by the demo";
        if (!local.isEmpty()) {
            boolean complete = predictorTests.await(() -> covers(published.get(), record.runId, local), PUBLISHED_TEST_WAIT);
            if (complete) {
                results = PredictorSeries.results(published.get());
                record.predictorTestSource = "modehop.predictor.test";
            } else {
                out.println("demo: warning: the job's predictor test for all " + local.get(0).checkpoints()
                        + " checkpoints did not arrive within " + PUBLISHED_TEST_WAIT.toSeconds()
                        + " s; the table is computed by the demo");
            }
        }
        for (PredictorEvaluation.Result r : results) {
            record.predictorTests.add(new RunRecord.PredictorRow(r.family(), r.predictor(), r.layers(), r.checkpoints(),
                    r.bestBlock(), r.bestCorrelation(), r.baselineMean(), r.baselineP95(), r.beatsBaseline()));
        }
    }

    /** Whether a published test is of this run and has seen as many checkpoints per row as the demo did. */
    static boolean covers(dev.modehop.events.PredictorEvaluation test, String runId, List<PredictorEvaluation.Result> local) {
        if (test == null || !test.getRunId().equals(runId) || test.getResults().size() != local.size()) {
            return false;
        }
        Map<String, Integer> seen = new TreeMap<>();
        for (PredictorEvaluation.Result r : local) {
            seen.put(r.family() + "/" + r.predictor(), r.checkpoints());
        }
        for (dev.modehop.events.PredictorCorrelation c : test.getResults()) {
            if (!Integer.valueOf(c.getCheckpoints()).equals(seen.get(c.getFamily() + "/" + c.getPredictor()))) {
                return false;
            }
        }
        return true;
    }

    /** Applies a control command to the toy run, as a training job's SDK handler would. */
    static void obey(ControlCommand c, ToyRun toy, RunRecord record, PrintStream out) {
        if (toy == null) {
            return;
        }
        record.control(new RunRecord.Control(toy.step(), c.getAction().name(), new TreeMap<>(c.getMixture()),
                c.getReason(), c.getIssuedBy()));
        if (c.getAction() == ControlAction.PAUSE) {
            toy.pause();
        } else if (c.getAction() == ControlAction.RESUME) {
            toy.resume();
        } else {
            double icl = c.getMixture().getOrDefault("icl", Double.NaN);
            double total = c.getMixture().values().stream().mapToDouble(Double::doubleValue).sum();
            if (Double.isNaN(icl) || total <= 0) {
                out.println("control: ADJUST_MIXTURE without an 'icl' share ignored: " + c.getMixture());
                return;
            }
            toy.adjustMixture(icl / total, ToyRun.MixtureScope.REST_OF_WINDOW);
        }
        out.println(EventLines.of(c) + " applied at training step " + toy.step());
    }

    private static void collect(Object value, RunRecord record, Map<Long, Long> announcedAt, List<Long> hopDelays,
                                Map<String, String> currentMode, PrintStream out) {
        if (value instanceof ModeObservation m) {
            record.point(m.getSeries(), new RunRecord.Point(m.getStep(), m.getHardAccuracy(), m.getSoftScore(),
                    m.getConfirmedMode().name()));
            currentMode.put(m.getSeries(), m.getConfirmedMode().name() + String.format(" %.2f", m.getHardAccuracy()));
        } else if (value instanceof ModeHop h) {
            Long t = announcedAt.get(h.getStep());
            if (t != null) {
                hopDelays.add(System.currentTimeMillis() - t);
            }
            synchronized (record) {
                record.hops.add(new RunRecord.Hop(h.getSeries(), h.getStep(), h.getPrevStep(), String.valueOf(h.getFrom()),
                        String.valueOf(h.getTo()), "PENDING", h.getZScore(),
                        h.getWindows().stream().map(w -> w.getWindowId()).toList()));
            }
            out.println(EventLines.of(h));
        } else if (value instanceof HopStability v) {
            synchronized (record) {
                for (int i = 0; i < record.hops.size(); i++) {
                    RunRecord.Hop h = record.hops.get(i);
                    if (h.series().equals(v.getSeries()) && h.step() == v.getHopStep()) {
                        record.hops.set(i, new RunRecord.Hop(h.series(), h.step(), h.prevStep(), h.from(), h.to(),
                                v.getVerdict().name(), h.zScore(), h.windows()));
                    }
                }
            }
            out.println(EventLines.of(v));
        } else if (value instanceof CheckpointRanking r) {
            record.bestStep = r.getBestStep();
            record.bestScore = r.getBestScore();
        } else if (value instanceof dev.modehop.events.Alert a) {
            out.println(EventLines.of(a));
        }
    }

    private static void averagingResult(HopAveraging a, RunRecord record, PrintStream out) {
        Map<String, dev.modehop.events.SteppedFamily> stepped = new java.util.HashMap<>();
        if (a.getOneStep() != null) {
            a.getOneStep().getFamilies().forEach(f -> stepped.put(f.getFamily(), f));
        }
        List<RunRecord.AveragedFamily> families = a.getFamilies().stream().map(f -> {
            var s = stepped.get(f.getFamily());
            return new RunRecord.AveragedFamily(f.getFamily(), f.getOldAccuracy(), f.getNewAccuracy(),
                    f.getAverageAccuracy(), f.getAverageMode().name(), f.getOutcome().name(),
                    s == null ? null : s.getProbabilityChange(), s == null ? null : s.getHopProbabilityChange());
        }).toList();
        record.averaging(new RunRecord.Averaging(String.valueOf(a.getSeries()), a.getHopStep(), a.getRequestedBy(),
                a.getStatus().name(), a.getReason(), a.getSteps(),
                a.getOneStep() == null ? null : a.getOneStep().getStatus().name(),
                a.getOneStep() == null ? null : a.getOneStep().getLearningRate(), families));
        out.println("AVERAGE " + String.format("%-10s", a.getSeries()) + " hop at " + a.getHopStep() + ": "
                + AveragingWorker.describe(a));
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static long median(List<Long> values) {
        if (values.isEmpty()) {
            return -1;
        }
        values.sort(Comparator.naturalOrder());
        return values.get(values.size() / 2);
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // a temporary folder
        }
    }
}
