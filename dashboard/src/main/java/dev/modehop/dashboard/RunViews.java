package dev.modehop.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.core.DataSelection;
import dev.modehop.core.PredictorEvaluation;
import dev.modehop.events.Alert;
import dev.modehop.events.AttributedWindow;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointRanking;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ControlAction;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.DataWindow;
import dev.modehop.events.HopAveraging;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.RunFinished;
import dev.modehop.events.SourceMove;
import dev.modehop.events.SourceStatistics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What the dashboard knows about every run, rebuilt from the topics and bounded in memory: old points,
 * windows and hops of a run fall off first, and the least recently active runs go when there are too many.
 * Records may arrive in any order across topics (a verdict before its hop, scores before their
 * checkpoint); each piece is kept under its own key and joined when rendered. Thread-safe.
 */
public final class RunViews {
    /** Caps on what one dashboard keeps; the newest entries win. */
    public record Limits(int runs, int pointsPerSeries, int windowsPerRun, int hopsPerRun, int recentEvents) {
        public static Limits defaults() {
            return new Limits(200, 5000, 2000, 1000, 100);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Limits limits;
    private final long idleAfterMillis;
    private final LongSupplier clock;
    /** Access order, so the least recently updated run is evicted first. */
    private final LinkedHashMap<String, RunView> runs = new LinkedHashMap<>(16, 0.75f, true);
    /** Whether any record of the notifier's delivery log was read: then a notifier is (or was) at work. */
    private boolean deliveryLogSeen;

    /**
     * @param idleAfter a run whose newest record is older than this is IDLE rather than RUNNING
     * @param clock     epoch millis now
     */
    public RunViews(Limits limits, Duration idleAfter, LongSupplier clock) {
        this.limits = limits;
        this.idleAfterMillis = idleAfter.toMillis();
        this.clock = clock;
    }

    public RunViews(Limits limits) {
        this(limits, DashboardSettings.DEFAULT_IDLE_AFTER, System::currentTimeMillis);
    }

    public RunViews() {
        this(Limits.defaults());
    }

    /** Folds one record in, as if it was written now. */
    public Optional<String> apply(Object record) {
        return apply(record, clock.getAsLong());
    }

    /**
     * Folds one record of any modehop topic into the view.
     *
     * @param writtenAt when the record was written (the Kafka record timestamp, epoch millis): a run's activity
     *                  is judged by its records' times, so a view rebuilt from an old log does not call a run
     *                  that stopped yesterday RUNNING
     * @return the run id it belongs to, or empty when the record type is not one the dashboard shows
     */
    public synchronized Optional<String> apply(Object record, long writtenAt) {
        RunView run;
        if (record instanceof CheckpointReady r) {
            (run = run(r.getRunId())).checkpoint(r);
        } else if (record instanceof ProbeScore r) {
            (run = run(r.getRunId())).score(r);
        } else if (record instanceof CheckpointPredictors r) {
            (run = run(r.getRunId())).predictors(r);
        } else if (record instanceof ModeObservation r) {
            (run = run(r.getRunId())).observation(r);
        } else if (record instanceof ModeHop r) {
            (run = run(r.getRunId())).hop(r);
        } else if (record instanceof HopStability r) {
            (run = run(r.getRunId())).verdict(r);
        } else if (record instanceof DataWindow r) {
            (run = run(r.getRunId())).window(r);
        } else if (record instanceof CheckpointRanking r) {
            (run = run(r.getRunId())).ranking(r);
        } else if (record instanceof SourceStatistics r) {
            (run = run(r.getRunId())).sources(r);
        } else if (record instanceof dev.modehop.events.PredictorEvaluation r) {
            (run = run(r.getRunId())).predictorTest(r);
        } else if (record instanceof Alert r) {
            (run = run(r.getRunId())).alert(r);
        } else if (record instanceof ControlCommand r) {
            (run = run(r.getRunId())).control(r);
        } else if (record instanceof RunFinished r) {
            (run = run(r.getRunId())).finished(r);
        } else if (record instanceof HopAveraging r) {
            (run = run(r.getRunId())).averaging(r);
        } else if (record instanceof Delivery r) {
            deliveryLogSeen = true;
            (run = run(r.runId())).delivery(r);
        } else {
            return Optional.empty();
        }
        run.lastRecordAt = Math.max(run.lastRecordAt, writtenAt);
        return Optional.of(run.runId);
    }

    public synchronized boolean contains(String runId) {
        return runs.containsKey(runId);
    }

    /** The last checkpoint step seen for a run, 0 when none. */
    public synchronized long lastStep(String runId) {
        RunView run = runs.get(runId);
        return run == null ? 0 : run.lastStep;
    }

    /** {@code {"runs":[...]}}: one summary per run, most recently active first. */
    public synchronized ObjectNode runsJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("runs");
        List<RunView> newestFirst = new ArrayList<>(runs.values());
        java.util.Collections.reverse(newestFirst);
        for (RunView run : newestFirst) {
            run.summary(list.addObject());
        }
        return root;
    }

    /** The full view of one run, or empty when the run is unknown. */
    public synchronized Optional<ObjectNode> runJson(String runId) {
        RunView run = peek(runId);
        if (run == null) {
            return Optional.empty();
        }
        ObjectNode root = JSON.createObjectNode();
        run.summary(root);
        run.detail(root);
        return Optional.of(root);
    }

    /**
     * One checkpoint of a run: its announcement, every series' value and tasks there, the hops at it and the
     * predictors; empty when neither the run nor the step is known.
     */
    public synchronized Optional<ObjectNode> checkpointJson(String runId, long step) {
        RunView run = peek(runId);
        if (run == null) {
            return Optional.empty();
        }
        ObjectNode root = JSON.createObjectNode();
        return run.checkpointJson(root, step) ? Optional.of(root) : Optional.empty();
    }

    /** A run without counting as an access: get() would reorder the runs list. */
    private RunView peek(String runId) {
        for (Map.Entry<String, RunView> e : runs.entrySet()) {
            if (e.getKey().equals(runId)) {
                return e.getValue();
            }
        }
        return null;
    }

    private RunView run(String runId) {
        RunView run = runs.computeIfAbsent(runId, RunView::new);
        while (runs.size() > limits.runs()) {
            Iterator<String> eldest = runs.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return run;
    }

    private static <K, V> void trimOldest(TreeMap<K, V> map, int max) {
        while (map.size() > max) {
            map.pollFirstEntry();
        }
    }

    private static <K, V> void trimOldest(LinkedHashMap<K, V> map, int max) {
        Iterator<K> it = map.keySet().iterator();
        while (map.size() > max && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /**
     * A point of one series at one checkpoint: per-task probe scores plus the job's mode, when known. Kept lean
     * (primitives, no decoded records) because a full dashboard holds millions of them.
     */
    private static final class Point {
        /** task -> {hard, soft, items or -1}; null until a probe score arrives. */
        Map<String, double[]> tasks;
        boolean observed;
        double hard = Double.NaN;
        double soft = Double.NaN;
        String mode;
        String confirmedMode;
        boolean gapBefore;

        double hard() {
            return observed ? hard : weightedMean(0);
        }

        double soft() {
            return observed ? soft : weightedMean(1);
        }

        private double weightedMean(int field) {
            if (tasks == null) {
                return Double.NaN;
            }
            double sum = 0;
            double weight = 0;
            for (double[] t : tasks.values()) {
                double w = t[2] > 0 ? t[2] : 1;
                sum += t[field] * w;
                weight += w;
            }
            return weight == 0 ? Double.NaN : sum / weight;
        }
    }

    /** One series of a run: its points by step and whether it is a counted probe family or a plain level. */
    private static final class Series {
        final TreeMap<Long, Point> points = new TreeMap<>();
        /** Counted items make modes (accuracy in [0, 1], soft score meaningful); without them it is a level. */
        boolean counted;
        boolean level;
        /** What its values are: hard_accuracy, or match_rate for a generative family (ProbeScore.metric). */
        String metric = "hard_accuracy";

        String kind() {
            return level || !counted ? "LEVEL" : "COUNTED";
        }
    }

    /** What a checkpoint announcement says beyond its step. */
    private record Checkpoint(long tokens, String uri, Double trainLoss) {
    }

    private final class RunView {
        final String runId;
        long lastStep;
        long lastTokens;
        long updatedAt;
        /** Newest record time of this run (epoch millis), for RUNNING versus IDLE. */
        long lastRecordAt;
        final TreeMap<Long, Checkpoint> checkpoints = new TreeMap<>();
        /** The scorer's generalization predictors by step; a re-scored checkpoint's later record wins. */
        final TreeMap<Long, CheckpointPredictors> predictors = new TreeMap<>();
        final Map<String, Series> series = new TreeMap<>();
        final LinkedHashMap<String, ModeHop> hops = new LinkedHashMap<>();
        final LinkedHashMap<String, HopStability> verdicts = new LinkedHashMap<>();
        final TreeMap<String, DataWindow> windows = new TreeMap<>();
        CheckpointRanking ranking;
        /** The job's latest per-source statistics of this run's hops. */
        SourceStatistics sources;
        /** The stream job's latest predictor test of this run (modehop.predictor.test); shown instead of computing one. */
        dev.modehop.events.PredictorEvaluation publishedTest;
        /** Bumped by every predictor record and observation: the predictor test is recomputed only after one. */
        long predictorInputs;
        long testedInputs = -1;
        List<PredictorEvaluation.Result> predictorTests = List.of();
        PredictorSeries testedSeries;
        /** The producer's end-of-run record, if it sent one. */
        RunFinished finished;
        final Deque<Alert> alerts = new ArrayDeque<>();
        final Deque<ControlCommand> controls = new ArrayDeque<>();
        /** The scorers' averaging results (hop.averaging), most recent last. */
        final Deque<HopAveraging> averaging = new ArrayDeque<>();
        /**
         * Per alert id, per route, the latest outcome in log order (the log is compacted by that key, so its
         * last record is the current one). Deliveries may come before their alert (other topic), so more alert
         * ids are kept than alerts.
         */
        final LinkedHashMap<String, Map<String, Delivery>> deliveries = new LinkedHashMap<>();

        RunView(String runId) {
            this.runId = runId;
        }

        /** A checkpoint step was seen (announced, scored or classified). */
        void touch(long step) {
            touch();
            lastStep = Math.max(lastStep, step);
        }

        /** Derived output (hops, verdicts, rankings...) changed; it names steps but announces none. */
        void touch() {
            updatedAt = clock.getAsLong();
        }

        void checkpoint(CheckpointReady r) {
            checkpoints.put(r.getStep(), new Checkpoint(r.getTokensSeen(), r.getUri(), r.getTrainLoss()));
            trimOldest(checkpoints, limits.pointsPerSeries());
            if (r.getStep() >= lastStep) {
                lastTokens = r.getTokensSeen();
            }
            touch(r.getStep());
        }

        Long tokensAt(long step) {
            Checkpoint c = checkpoints.get(step);
            return c == null ? null : c.tokens();
        }

        void score(ProbeScore r) {
            dev.modehop.core.ProbeScore result = new dev.modehop.core.ProbeScore(r.getRunId(), r.getStep(), r.getSuite(), r.getFamily(), r.getTask(),
                    r.getSeedCount(), r.getItems(), r.getHardAccuracy(), r.getSoftScore(), r.getStderr(),
                    r.getTaskCount(), r.getProducedAt());
            // the series name is core's rule, so the page and the job's mode.observed name the same series
            Series s = series(result.series());
            s.counted |= result.hasItemCount();
            if (r.getMetric() != null) {
                s.metric = r.getMetric();
            }
            Point p = point(s, r.getStep());
            if (p.tasks == null) {
                p.tasks = new TreeMap<>();
            }
            Integer items = r.getItems();
            p.tasks.put(r.getTask(), new double[] {r.getHardAccuracy(), r.getSoftScore(), items == null ? -1 : items});
            touch(r.getStep());
        }

        void predictors(CheckpointPredictors r) {
            predictorInputs++;
            predictors.put(r.getStep(), r);
            trimOldest(predictors, limits.pointsPerSeries());
            touch(r.getStep());
        }

        void observation(ModeObservation r) {
            Series s = series(r.getSeries());
            String mode = r.getMode().name();
            if (mode.equals("LEVEL")) {
                s.level = true;
            } else {
                s.counted = true;
            }
            predictorInputs++;
            Point p = point(s, r.getStep());
            p.observed = true;
            p.hard = r.getHardAccuracy();
            p.soft = r.getSoftScore();
            p.mode = mode;
            p.confirmedMode = r.getConfirmedMode().name();
            p.gapBefore = r.getGapBefore();
            touch(r.getStep());
        }

        private Series series(String name) {
            return series.computeIfAbsent(name, n -> new Series());
        }

        private Point point(Series s, long step) {
            Point p = s.points.computeIfAbsent(step, k -> new Point());
            trimOldest(s.points, limits.pointsPerSeries());
            return p;
        }

        void hop(ModeHop r) {
            hops.put(r.getId(), r);
            trimOldest(hops, limits.hopsPerRun());
            touch();
        }

        void verdict(HopStability r) {
            verdicts.remove(r.getHopId());
            verdicts.put(r.getHopId(), r);
            // a verdict may come before its hop (other topic), so keep a little more than the hops kept
            trimOldest(verdicts, 2 * limits.hopsPerRun());
            touch();
        }

        void window(DataWindow r) {
            windows.put(r.getWindowId(), r);
            if (windows.size() > limits.windowsPerRun()) {
                windows.values().stream().min(Comparator.comparingLong(DataWindow::getStartStep))
                        .ifPresent(w -> windows.remove(w.getWindowId()));
            }
            touch();
        }

        void ranking(CheckpointRanking r) {
            if (ranking == null || r.getAsOfStep() >= ranking.getAsOfStep()) {
                ranking = r;
            }
            touch();
        }

        void predictorTest(dev.modehop.events.PredictorEvaluation r) {
            if (publishedTest == null || r.getCheckpointsPaired() >= publishedTest.getCheckpointsPaired()) {
                publishedTest = r;
            }
            touch();
        }

        void sources(SourceStatistics r) {
            if (sources == null || r.getAsOfStep() >= sources.getAsOfStep()) {
                sources = r;
            }
            touch();
        }

        /**
         * The predictor test over what this view holds (at most {@code pointsPerSeries} checkpoints per series),
         * recomputed only when a predictor record or an observation came in since the last time.
         */
        List<PredictorEvaluation.Result> predictorTests() {
            if (testedInputs != predictorInputs) {
                testedInputs = predictorInputs;
                Map<String, Map<Long, Double>> soft = new TreeMap<>();
                series.forEach((name, s) -> {
                    if (s.counted && !s.level) {
                        Map<Long, Double> values = new TreeMap<>();
                        s.points.forEach((step, p) -> {
                            if (p.observed) {
                                values.put(step, p.soft);
                            }
                        });
                        soft.put(name, values);
                    }
                });
                testedSeries = PredictorSeries.of(predictors.values());
                predictorTests = testedSeries.test(runId, soft);
            }
            return predictorTests;
        }

        DataSelection.Manifest dataSelection() {
            List<DataSelection.Move> moves = new ArrayList<>();
            hops.values().forEach(h -> moves.add(DataSelectionInputs.move(h, verdicts.get(h.getId()))));
            List<dev.modehop.core.DataWindow> ws = new ArrayList<>();
            windows.values().forEach(w -> ws.add(DataSelectionInputs.window(w)));
            return DataSelection.select(runId, moves, ws, java.util.Set.of());
        }

        void delivery(Delivery d) {
            deliveries.computeIfAbsent(d.alertId(), k -> new TreeMap<>()).put(d.route(), d);
            while (deliveries.size() > 4L * limits.recentEvents()) {
                deliveries.remove(deliveries.keySet().iterator().next());
            }
            touch();
        }

        void alert(Alert r) {
            alerts.removeIf(a -> a.getId().equals(r.getId()));
            alerts.addLast(r);
            while (alerts.size() > limits.recentEvents()) {
                alerts.removeFirst();
            }
            touch();
        }

        void averaging(HopAveraging r) {
            averaging.removeIf(a -> a.getId().equals(r.getId()));
            averaging.addLast(r);
            while (averaging.size() > limits.recentEvents()) {
                averaging.removeFirst();
            }
            touch();
        }

        void control(ControlCommand r) {
            controls.removeIf(c -> c.getId().equals(r.getId()));
            controls.addLast(r);
            while (controls.size() > limits.recentEvents()) {
                controls.removeFirst();
            }
            touch();
        }

        void finished(RunFinished r) {
            finished = r;
            touch();
        }

        /** Finished, unless a checkpoint after the finish step came since (the job was resumed). */
        boolean isFinished() {
            return finished != null && lastStep <= finished.getStep();
        }

        String verdictOf(String hopId) {
            HopStability v = verdicts.get(hopId);
            return v == null ? "PENDING" : v.getVerdict().name();
        }

        /**
         * FINISHED when the producer said so; PAUSED after a PAUSE command that no RESUME followed; otherwise
         * RUNNING while records arrive and IDLE once the run's newest record is older than the configured silence.
         */
        String state() {
            if (isFinished()) {
                return "FINISHED";
            }
            for (Iterator<ControlCommand> it = controls.descendingIterator(); it.hasNext(); ) {
                ControlAction action = it.next().getAction();
                if (action == ControlAction.PAUSE) {
                    return "PAUSED";
                }
                if (action == ControlAction.RESUME) {
                    break;
                }
            }
            return clock.getAsLong() - lastRecordAt > idleAfterMillis ? "IDLE" : "RUNNING";
        }

        void summary(ObjectNode o) {
            o.put("runId", runId);
            o.put("state", state());
            o.put("lastStep", lastStep);
            o.put("lastTokens", lastTokens);
            o.put("updatedAt", updatedAt);
            o.put("lastRecordAt", lastRecordAt);
            if (finished != null) {
                ObjectNode f = o.putObject("finished");
                f.put("step", finished.getStep());
                f.put("reason", finished.getReason());
                f.put("at", finished.getProducedAt());
            } else {
                o.putNull("finished");
            }
            ArrayNode families = o.putArray("families");
            series.keySet().forEach(families::add);
            // the families summarized: how many series are in each mode at their latest checkpoint
            ObjectNode modes = o.putObject("modeCounts");
            int levels = 0;
            for (Series s : series.values()) {
                if (s.kind().equals("LEVEL")) {
                    levels++;
                    continue;
                }
                Map.Entry<Long, Point> last = s.points.lastEntry();
                String mode = last == null || last.getValue().mode == null ? "UNDECIDED" : last.getValue().mode;
                modes.put(mode, modes.path(mode).asInt() + 1);
            }
            o.put("levelSeries", levels);
            o.put("hopCount", hops.size());
            ObjectNode byVerdict = o.putObject("hopsByVerdict");
            byVerdict.put("STABLE", 0);
            byVerdict.put("TRANSIENT", 0);
            byVerdict.put("PENDING", 0);
            for (String hopId : hops.keySet()) {
                String v = verdictOf(hopId);
                byVerdict.put(v, byVerdict.path(v).asInt() + 1);
            }
            if (ranking != null) {
                ObjectNode best = o.putObject("best");
                best.put("step", ranking.getBestStep());
                best.put("score", ranking.getBestScore());
                Long tokens = tokensAt(ranking.getBestStep());
                if (tokens != null) {
                    best.put("tokens", tokens);
                }
            } else {
                o.putNull("best");
            }
            o.put("alertCount", alerts.size());
        }

        void detail(ObjectNode o) {
            ArrayNode familyList = o.putArray("series");
            for (Map.Entry<String, Series> s : series.entrySet()) {
                ObjectNode f = familyList.addObject();
                f.put("name", s.getKey());
                f.put("kind", s.getValue().kind());
                f.put("metric", s.getValue().metric);
                ArrayNode points = f.putArray("points");
                for (Map.Entry<Long, Point> e : s.getValue().points.entrySet()) {
                    pointJson(points.addObject(), e.getKey(), e.getValue());
                }
                ArrayNode seriesHops = f.putArray("hops");
                for (ModeHop h : hops.values()) {
                    if (h.getSeries().equals(s.getKey())) {
                        hopJson(seriesHops.addObject(), h);
                    }
                }
            }
            ArrayNode predictorList = o.putArray("predictors");
            for (CheckpointPredictors p : predictors.values()) {
                predictorJson(predictorList.addObject(), p);
            }
            ArrayNode allHops = o.putArray("hops");
            hops.values().forEach(h -> hopJson(allHops.addObject(), h));
            ArrayNode windowList = o.putArray("windows");
            windows.values().stream().sorted(Comparator.comparingLong(DataWindow::getStartStep)).forEach(w -> {
                ObjectNode wo = windowList.addObject();
                wo.put("windowId", w.getWindowId());
                wo.put("startStep", w.getStartStep());
                wo.put("endStep", w.getEndStep());
                wo.put("tokens", w.getTokens());
                mixture(wo.putObject("mixture"), w.getMixture());
            });
            ObjectNode board = o.putObject("leaderboard");
            if (ranking != null) {
                board.put("asOfStep", ranking.getAsOfStep());
                board.put("bestStep", ranking.getBestStep());
                board.put("bestScore", ranking.getBestScore());
                ArrayNode entries = board.putArray("entries");
                ranking.getLeaderboard().forEach(c -> {
                    ObjectNode e = entries.addObject();
                    e.put("step", c.getStep());
                    e.put("score", c.getScore());
                    Checkpoint at = checkpoints.get(c.getStep());
                    e.put("folder", at == null ? null : at.uri());
                    ArrayNode families = e.putArray("families");
                    c.getFamilies().forEach(f -> {
                        ObjectNode fo = families.addObject();
                        fo.put("family", f.getFamily());
                        putNumber(fo, "softScore", f.getSoftScore());
                        putNumber(fo, "weight", f.getWeight());
                        putNumber(fo, "contribution", f.getContribution());
                    });
                });
            }
            sourcesJson(o);
            predictorTestsJson(o.putArray("predictorTests"));
            dataSelectionJson(o.putObject("dataSelection"), dataSelection());
            ArrayNode alertList = o.putArray("alerts");
            alerts.descendingIterator().forEachRemaining(a -> {
                ObjectNode ao = alertList.addObject();
                ao.put("id", a.getId());
                ao.put("rule", a.getRule());
                ao.put("severity", a.getSeverity().name());
                ao.put("message", a.getMessage());
                ao.put("hopId", a.getHopId());
                ao.put("step", a.getStep());
                ArrayNode dl = ao.putArray("deliveries");
                deliveries.getOrDefault(a.getId(), Map.of()).values().forEach(d -> d.json(dl.addObject()));
            });
            // lets the page tell "not delivered yet" (a notifier writes the log) from "no notifier here"
            o.put("deliveryLogSeen", deliveryLogSeen);
            ArrayNode averagingList = o.putArray("averaging");
            averaging.descendingIterator().forEachRemaining(a -> {
                ObjectNode ao = averagingList.addObject();
                ao.put("id", a.getId());
                ao.put("hopStep", a.getHopStep());
                ao.put("series", a.getSeries());
                ao.put("requestedBy", a.getRequestedBy());
                ao.put("status", a.getStatus().name());
                ao.put("reason", a.getReason());
                a.getSteps().forEach(ao.putArray("steps")::add);
                ArrayNode fams = ao.putArray("families");
                a.getFamilies().forEach(f -> fams.addObject().put("family", f.getFamily())
                        .put("oldAccuracy", f.getOldAccuracy()).put("newAccuracy", f.getNewAccuracy())
                        .put("averageAccuracy", f.getAverageAccuracy()).put("averageMode", f.getAverageMode().name())
                        .put("outcome", f.getOutcome().name()));
                if (a.getOneStep() != null) {
                    ObjectNode so = ao.putObject("oneStep");
                    so.put("status", a.getOneStep().getStatus().name());
                    so.put("reason", a.getOneStep().getReason());
                    so.put("learningRate", a.getOneStep().getLearningRate());
                    ArrayNode sf = so.putArray("families");
                    a.getOneStep().getFamilies().forEach(f -> sf.addObject().put("family", f.getFamily())
                            .put("probabilityChange", f.getProbabilityChange())
                            .put("hopProbabilityChange", f.getHopProbabilityChange()));
                }
            });
            ArrayNode controlList = o.putArray("controls");
            controls.descendingIterator().forEachRemaining(c -> {
                ObjectNode co = controlList.addObject();
                co.put("id", c.getId());
                co.put("action", c.getAction().name());
                mixture(co.putObject("mixture"), c.getMixture());
                co.put("reason", c.getReason());
                co.put("issuedBy", c.getIssuedBy());
                co.put("step", c.getStep());
                co.put("issuedAt", c.getIssuedAt());
            });
        }

        /** One checkpoint across the run: every series' value there, its tasks, hops and predictors. */
        boolean checkpointJson(ObjectNode o, long step) {
            Checkpoint c = checkpoints.get(step);
            boolean known = c != null;
            o.put("runId", runId);
            o.put("step", step);
            if (c != null) {
                o.put("tokens", c.tokens());
                o.put("uri", c.uri());
                putNumber(o, "trainLoss", c.trainLoss());
            }
            ArrayNode list = o.putArray("series");
            for (Map.Entry<String, Series> s : series.entrySet()) {
                Point p = s.getValue().points.get(step);
                if (p == null) {
                    continue;
                }
                known = true;
                ObjectNode so = list.addObject();
                so.put("name", s.getKey());
                so.put("kind", s.getValue().kind());
                so.put("metric", s.getValue().metric);
                pointJson(so, step, p);
                ObjectNode tasks = so.putObject("tasks");
                if (p.tasks != null) {
                    p.tasks.forEach((task, v) -> {
                        ObjectNode t = tasks.putObject(task);
                        putNumber(t, "hardAccuracy", v[0]);
                        putNumber(t, "softScore", v[1]);
                        if (v[2] >= 0) {
                            t.put("items", (int) v[2]);
                        } else {
                            t.putNull("items");
                        }
                    });
                }
            }
            ArrayNode hopList = o.putArray("hops");
            hops.values().stream().filter(h -> h.getStep() == step).forEach(h -> hopJson(hopList.addObject(), h));
            CheckpointPredictors p = predictors.get(step);
            if (p != null) {
                predictorJson(o.putObject("predictors"), p);
            } else {
                o.putNull("predictors");
            }
            return known;
        }

        private void pointJson(ObjectNode pt, long step, Point p) {
            pt.put("step", step);
            Long tokens = tokensAt(step);
            if (tokens != null) {
                pt.put("tokens", tokens);
            } else {
                pt.putNull("tokens");
            }
            putNumber(pt, "hardAccuracy", p.hard());
            putNumber(pt, "softScore", p.soft());
            if (p.observed) {
                pt.put("mode", p.mode);
                pt.put("confirmedMode", p.confirmedMode);
                pt.put("gapBefore", p.gapBefore);
            } else {
                pt.putNull("mode");
                pt.putNull("confirmedMode");
            }
        }

        private void sourcesJson(ObjectNode o) {
            if (sources == null) {
                o.putNull("sourceStatistics");
                return;
            }
            ObjectNode so = o.putObject("sourceStatistics");
            so.put("asOfStep", sources.getAsOfStep());
            so.put("hopsCounted", sources.getHopsCounted());
            ArrayNode moves = so.putArray("moves");
            for (SourceMove m : sources.getMoves()) {
                ObjectNode mo = moves.addObject();
                mo.put("source", m.getSource());
                mo.put("toward", m.getToward().name());
                mo.put("hops", m.getHops());
                mo.put("hopsOfRun", m.getHopsOfRun());
                putNumber(mo, "meanWeight", m.getMeanWeight());
                putNumber(mo, "baseWeight", m.getBaseWeight());
                putNumber(mo, "zScore", m.getZScore());
            }
        }

        private void predictorTestsJson(ArrayNode list) {
            // the job's test of the whole run where it published one, else one of the checkpoints this view holds
            List<PredictorEvaluation.Result> results = publishedTest != null ? PredictorSeries.results(publishedTest)
                    : predictorTests();
            for (PredictorEvaluation.Result r : results) {
                ObjectNode ro = list.addObject();
                ro.put("family", r.family());
                ro.put("predictor", r.predictor());
                ro.put("checkpoints", r.checkpoints());
                ro.put("layers", r.layers());
                int block = r.bestBlock();
                if (block >= 0) {
                    ro.put("bestLayer", block);
                } else {
                    ro.putNull("bestLayer");
                }
                putNumber(ro, "correlation", r.bestCorrelation());
                putNumber(ro, "baselineMean", r.baselineMean());
                putNumber(ro, "baselineP95", r.baselineP95());
                ro.put("draws", r.draws());
                ro.put("beatsBaseline", r.beatsBaseline());
                ro.put("published", publishedTest != null);
            }
        }

        private void dataSelectionJson(ObjectNode o, DataSelection.Manifest m) {
            o.put("stableMovesTowardGeneralizing", m.stableMovesTowardGeneralizing());
            ArrayNode ws = o.putArray("windows");
            for (DataSelection.SelectedWindow w : m.windows()) {
                ObjectNode wo = ws.addObject();
                wo.put("windowId", w.windowId());
                wo.put("startStep", w.startStep());
                wo.put("endStep", w.endStep());
                mixture(wo.putObject("mixture"), w.mixture());
                ArrayNode before = wo.putArray("preceded");
                w.preceded().forEach(before::add);
            }
            mixture(o.putObject("mixture"), m.mixture());
        }

        private void predictorJson(ObjectNode po, CheckpointPredictors p) {
            po.put("step", p.getStep());
            putNumber(po, "parameterL2Norm", p.getParameterL2Norm());
            putNumber(po, "rankMe", p.getRankMe());
            putNumber(po, "participationRatio", p.getParticipationRatio());
            po.put("layer", p.getLayer());
        }

        private void hopJson(ObjectNode h, ModeHop hop) {
            h.put("id", hop.getId());
            h.put("series", hop.getSeries());
            h.put("step", hop.getStep());
            h.put("prevStep", hop.getPrevStep());
            h.put("anchorStep", hop.getAnchorStep());
            h.put("direction", hop.getDirection().name());
            h.put("from", hop.getFrom() == null ? null : hop.getFrom().name());
            h.put("to", hop.getTo() == null ? null : hop.getTo().name());
            putNumber(h, "before", hop.getBefore());
            putNumber(h, "after", hop.getAfter());
            putNumber(h, "zScore", hop.getZScore());
            h.put("stability", verdictOf(hop.getId()));
            HopStability v = verdicts.get(hop.getId());
            if (v != null) {
                h.put("decidedAtStep", v.getDecidedAtStep());
                h.put("checkpointsObserved", v.getCheckpointsObserved());
            }
            ArrayNode ws = h.putArray("windows");
            for (AttributedWindow w : hop.getWindows()) {
                ObjectNode wo = ws.addObject();
                wo.put("windowId", w.getWindowId());
                wo.put("startStep", w.getStartStep());
                wo.put("endStep", w.getEndStep());
                mixture(wo.putObject("mixture"), w.getMixture());
            }
        }
    }

    private static void mixture(ObjectNode target, Map<? extends CharSequence, Double> mixture) {
        new TreeMap<String, Double>(mixture.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                e -> e.getKey().toString(), Map.Entry::getValue))).forEach(target::put);
    }

    /** JSON has no NaN or infinity; a score that is not a number (or not measured) is shown as missing. */
    private static void putNumber(ObjectNode o, String field, Double value) {
        if (value != null && Double.isFinite(value)) {
            o.put(field, value);
        } else {
            o.putNull(field);
        }
    }
}
