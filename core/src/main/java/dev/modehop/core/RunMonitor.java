package dev.modehop.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The whole monitor for one run: orders checkpoints, turns their results into modes, hops, verdicts,
 * alerts, control commands and rankings. Stateless itself: each call takes the run's {@link RunState} and
 * changes it (and, through {@link RunState#parts()}, only the parts the record concerns), so engines keep the
 * state wherever they keep state. Outputs come in a deterministic order.
 *
 * <p>Order: results may arrive out of step order. A run's checkpoints are processed in step order, each
 * once all its results arrived ({@code taskCount} of them). An announced checkpoint that shows no sign of
 * life (announcement, result, scorer progress) for the timeout (event time: the producers' timestamps) is
 * skipped; the next processed checkpoint is marked as following a gap, and no hop is reported across it. If
 * the skipped checkpoint's results all arrive later, they are published as late observations.
 */
public final class RunMonitor {
    /** Processed checkpoints remembered (results kept) to recognise duplicate and late results. */
    static final int PROCESSED_KEPT = 16;
    /** Results held back for a run not announced yet; beyond this they are rejected at once. */
    static final int PARKED_KEPT = 10_000;
    /**
     * Checkpoints ahead of the run whose predictors may wait for their scores; beyond this a predictors record
     * of yet another checkpoint is rejected (to its dead-letter topic, with the reason), never dropped silently.
     */
    static final int PREDICTORS_WAITING_KEPT = 256;

    private final MonitorConfig config;
    private final HopDetector hopDetector;
    private final ChangePointDetector changePointDetector;
    private final CheckpointRanker ranker;
    private final ModeClassifier classifier;
    private final PredictorEvaluation predictorEvaluation = new PredictorEvaluation();

    public RunMonitor(MonitorConfig config) {
        this.config = config;
        this.hopDetector = new HopDetector(config);
        this.changePointDetector = new ChangePointDetector(config);
        this.ranker = new CheckpointRanker(config.leaderboardSize());
        this.classifier = new ModeClassifier(config);
    }

    public MonitorConfig config() {
        return config;
    }

    public List<Output> onCheckpointReady(RunState run, CheckpointReady a) {
        Optional<String> problem = a.problem();
        if (problem.isPresent()) {
            return rejected(a.runId(), "invalid checkpoint.ready: " + problem.get());
        }
        boolean first = !run.announced;
        run.announced = true;
        advanceTime(run, a.producedAt());
        if (first) {
            // Results held back for it count from now, as if they had arrived with the announcement.
            run.parkedCount = 0;
            run.firstParkedAt = -1;
            for (long step : run.waitingSteps) {
                PendingCheckpoint held = pending(run, step);
                held.firstSeenAt = run.eventTime;
                held.alive(run.eventTime);
                run.parts().savePending(held);
            }
        }
        if (a.step() > run.lastProcessedStep) {
            PendingCheckpoint pc = pending(run, a.step());
            pc.announced = true;
            pc.alive(run.eventTime);
            run.parts().savePending(pc);
        }
        return drain(run);
    }

    public List<Output> onWindow(RunState run, DataWindow w, long eventTime) {
        Optional<String> problem = w.problem();
        if (problem.isPresent()) {
            return rejected(w.runId(), "invalid data window: " + problem.get());
        }
        List<DataWindow> windows = run.parts().windows();
        WindowAttribution.remember(windows, w);
        run.parts().saveWindows(windows);
        run.hasParts = true;
        advanceTime(run, eventTime);
        return drain(run);
    }

    /** A scorer is working on a checkpoint: its missing-scores deadline moves on. */
    public List<Output> onProgress(RunState run, ScoringProgress p) {
        Optional<String> problem = p.problem();
        if (problem.isPresent()) {
            return rejected(p.runId(), "invalid scoring progress: " + problem.get());
        }
        advanceTime(run, p.producedAt());
        if (run.announced && p.step() > run.lastProcessedStep) {
            PendingCheckpoint pc = pending(run, p.step());
            pc.alive(run.eventTime);
            run.parts().savePending(pc);
        }
        List<Output> out = expireParked(run);
        out.addAll(drain(run));
        return out;
    }

    /**
     * A checkpoint's generalization predictors: paired with its families' soft scores for the run's predictor
     * test (before or after the checkpoint is processed, whichever comes last), which is published when it
     * changed. Predictors of a checkpoint the run moved past and no longer remembers are rejected as late,
     * like late scores.
     */
    public List<Output> onPredictors(RunState run, PredictorMeasurements m) {
        Optional<String> problem = m.problem();
        if (problem.isPresent()) {
            return rejected(m.runId(), "invalid checkpoint predictors: " + problem.get());
        }
        advanceTime(run, m.producedAt());
        PredictorEvaluation.State state = run.parts().predictors();
        boolean known = state.checkpoints.containsKey(m.step());
        if (!known && m.step() <= run.lastProcessedStep && !run.processed.contains(m.step())) {
            return rejected(m.runId(), "late predictors for step " + m.step()
                    + ": the run already moved past it and no longer remembers its scores");
        }
        if (!known && m.step() > run.lastProcessedStep
                && state.waitingAfter(run.lastProcessedStep) >= PREDICTORS_WAITING_KEPT) {
            return rejected(m.runId(), "predictors for step " + m.step() + ": those of " + PREDICTORS_WAITING_KEPT
                    + " checkpoints ahead of the run already wait for their scores");
        }
        List<Output> out = new ArrayList<>();
        boolean changed = predictorEvaluation.measure(state, m.step(), m.predictors());
        if (!changed && completed(run, m.step())) {
            // Processed already: its soft scores were kept with it while it is remembered.
            Map<String, Double> soft = countedSoftScores(run, m.step());
            changed = !soft.isEmpty() && predictorEvaluation.score(state, m.step(), soft);
        }
        if (changed) {
            out.add(predictorUpdate(run, state));
        }
        run.parts().savePredictors(state);
        run.hasParts = true;
        out.addAll(drain(run));
        return out;
    }

    /**
     * The families' soft scores of a just processed (or late published) checkpoint go to the predictor test when
     * its predictors wait for them; an update when they paired. When none wait, nothing is stored: predictors that
     * come later take the soft scores kept with the processed checkpoint ({@link #countedSoftScores}), so a run
     * that never sends predictors never writes the test's state (it was a tenth of the bytes a record wrote).
     */
    private void scorePredictors(RunState run, long step, Map<String, Double> soft, List<Output> out) {
        if (soft.isEmpty()) {
            return;
        }
        PredictorEvaluation.State state = run.parts().predictors();
        PredictorEvaluation.Checkpoint c = state.checkpoints.get(step);
        boolean predictorsWait = c != null && c.predictors != null;
        boolean paired = predictorsWait && predictorEvaluation.score(state, step, soft);
        boolean forgot = PredictorEvaluation.forgetBefore(state, run.processed.first());
        if (predictorsWait || forgot) {
            run.parts().savePredictors(state);
        }
        if (paired) {
            out.add(predictorUpdate(run, state));
        }
    }

    /** Whether checkpoint {@code step} was processed, or skipped and then published late, and is still remembered. */
    private static boolean completed(RunState run, long step) {
        if (!run.processed.contains(step)) {
            return false;
        }
        PendingCheckpoint skipped = run.skipped.get(step);
        return skipped == null || skipped.publishedLate;
    }

    /**
     * The soft scores of a completed checkpoint's counted families, as when it completed: kept with the processed
     * checkpoint, or from the stored results of one skipped and published late.
     */
    private static Map<String, Double> countedSoftScores(RunState run, long step) {
        ProcessedCheckpoint done = kept(run, step);
        if (done != null) {
            return new TreeMap<>(done.softScores);
        }
        Map<String, Double> soft = new TreeMap<>();
        for (Map.Entry<String, SeriesPoint> e : points(run.parts().results(step), false, step).entrySet()) {
            if (e.getValue().hasItems()) {
                soft.put(e.getKey(), e.getValue().softScore());
            }
        }
        return soft;
    }

    private Output predictorUpdate(RunState run, PredictorEvaluation.State state) {
        return new Output.PredictorEvaluationUpdate(Ids.predictorEvaluation(run.runId, state.checkpointsPaired),
                run.runId, state.asOfStep, state.checkpointsPaired, predictorEvaluation.draws(),
                predictorEvaluation.results(state, run.runId));
    }

    public List<Output> onResult(RunState run, ProbeScore r) {
        Optional<String> problem = r.problem();
        if (problem.isPresent()) {
            return rejected(r.runId(), "invalid probe score: " + problem.get());
        }
        advanceTime(run, r.producedAt());
        if (!run.announced) {
            return park(run, r);
        }
        List<Output> out = accept(run, r);
        out.addAll(drain(run));
        return out;
    }

    private static List<Output> rejected(String runId, String reason) {
        List<Output> out = new ArrayList<>();
        out.add(new Output.Rejection(runId, reason));
        return out;
    }

    /**
     * A result of a run that no checkpoint.ready announced yet: it may only have overtaken its announcement
     * (they travel on different topics), so it is held back until the announcement comes or the timeout
     * passes; then every held result is rejected as belonging to an unknown run.
     */
    private List<Output> park(RunState run, ProbeScore r) {
        if (run.parkedCount >= PARKED_KEPT) {
            return rejected(r.runId(), unknownRun(r.runId()));
        }
        PendingCheckpoint pc = pending(run, r.step());
        if (file(run, pc, r)) {
            run.parkedCount++;
        }
        run.parts().savePending(pc);
        if (run.firstParkedAt < 0) {
            run.firstParkedAt = run.eventTime;
        }
        return expireParked(run);
    }

    private List<Output> expireParked(RunState run) {
        List<Output> out = new ArrayList<>();
        if (run.announced || run.parkedCount == 0 || run.eventTime - run.firstParkedAt < config.missingScoreTimeoutMs()) {
            return out;
        }
        for (long step : run.waitingSteps) {
            for (ProbeScore r : run.parts().results(step)) {
                out.add(new Output.Rejection(r.runId(), unknownRun(r.runId()), r));
            }
            run.parts().dropResults(step);
            run.parts().dropPending(step);
        }
        run.waitingSteps.clear();
        run.parkedCount = 0;
        run.firstParkedAt = -1;
        return out;
    }

    private String unknownRun(String runId) {
        return "unknown run '" + runId + "': no checkpoint.ready was seen for it within "
                + config.missingScoreTimeoutMs() + " ms";
    }

    /**
     * The checkpoint in flight at {@code step}, from its part; a new one (now waiting) when the run had none. A
     * caller that changes it saves it ({@link RunParts#savePending}).
     */
    private static PendingCheckpoint pending(RunState run, long step) {
        PendingCheckpoint pc = run.waitingSteps.contains(step) ? run.parts().pending(step) : null;
        if (pc == null) {
            pc = new PendingCheckpoint(step, run.eventTime);
            run.waitingSteps.add(step);
        }
        return pc;
    }

    /** The checkpoint {@code step} leaves the ones in flight (processed or skipped). */
    private static void stopWaiting(RunState run, long step) {
        run.waitingSteps.remove(step);
        run.parts().dropPending(step);
    }

    /** Stores a result of {@code pc} unless it is a duplicate; true when stored. */
    private static boolean file(RunState run, PendingCheckpoint pc, ProbeScore r) {
        pc.expectedResults = Math.max(pc.expectedResults, r.taskCount());
        pc.alive(run.eventTime);
        boolean duplicate = pc.taskKeys != null ? pc.taskKeys.contains(r.taskKey())
                : run.parts().result(r.step(), r.taskKey()) != null;
        if (duplicate) {
            run.duplicatesIgnored++;
            return false;
        }
        run.parts().saveResult(r);
        pc.resultCount++;
        if (pc.taskKeys != null) {
            pc.taskKeys.add(r.taskKey());
        }
        return true;
    }

    /** The results stored for {@code pc}, in task-key order: read one by one when it knows their keys, else listed. */
    private static List<ProbeScore> results(RunState run, PendingCheckpoint pc) {
        if (pc.taskKeys == null) {
            return run.parts().results(pc.step);
        }
        List<ProbeScore> results = new ArrayList<>(pc.taskKeys.size());
        for (String taskKey : pc.taskKeys) {
            ProbeScore r = run.parts().result(pc.step, taskKey);
            if (r != null) {
                results.add(r);
            }
        }
        return results;
    }

    /**
     * Whether a remembered checkpoint already had a result of {@code taskKey}: a processed one keeps its task keys,
     * a skipped one its results (and so does one processed by a build that kept them).
     */
    private static boolean received(RunState run, long step, String taskKey) {
        ProcessedCheckpoint done = kept(run, step);
        return done != null ? done.taskKeys.contains(taskKey) : run.parts().result(step, taskKey) != null;
    }

    /**
     * What is kept of a remembered checkpoint that was processed, or null: skipped (its results are kept instead),
     * or processed by a build that kept its results.
     */
    private static ProcessedCheckpoint kept(RunState run, long step) {
        return run.skipped.containsKey(step) ? null : run.parts().processed(step);
    }

    /** Files a result of an announced run; drains nothing. */
    private List<Output> accept(RunState run, ProbeScore received) {
        // only a held-back result may still be dead-lettered whole; an accepted one needs no copy of its bytes
        ProbeScore r = received.withoutReceived();
        if (r.step() > run.lastProcessedStep) {
            PendingCheckpoint pc = pending(run, r.step());
            file(run, pc, r);
            run.parts().savePending(pc);
            return new ArrayList<>();
        }
        boolean remembered = run.processed.contains(r.step());
        if (remembered && received(run, r.step(), r.taskKey())) {
            run.duplicatesIgnored++;
            return new ArrayList<>();
        }
        PendingCheckpoint done = run.skipped.get(r.step());
        if (remembered && done != null && !done.publishedLate) {
            file(run, done, r);
            return done.complete() ? publishLate(run, done) : new ArrayList<>();
        }
        return rejected(r.runId(), "late probe score for step " + r.step()
                + ": the run already moved past it (processed, or skipped and no longer remembered)");
    }

    /** Lets the missing-score timeout act when no record arrives (an engine's timer calls this). */
    public List<Output> onTime(RunState run, long eventTime) {
        advanceTime(run, eventTime);
        List<Output> out = expireParked(run);
        out.addAll(drain(run));
        return out;
    }

    /**
     * The event time at which {@link #onTime} has something to do for this run (a waiting checkpoint's or held
     * results' timeout), or -1 when nothing waits.
     */
    public long nextDeadline(RunState run) {
        long timeout = config.missingScoreTimeoutMs();
        if (!run.announced) {
            return run.parkedCount > 0 && run.firstParkedAt >= 0 ? run.firstParkedAt + timeout : -1;
        }
        return run.waitingSteps.isEmpty() ? -1 : pending(run, run.waitingSteps.first()).deadline(timeout);
    }

    private static void advanceTime(RunState run, long eventTime) {
        run.eventTime = Math.max(run.eventTime, eventTime);
    }

    private List<Output> drain(RunState run) {
        List<Output> out = new ArrayList<>();
        while (run.announced && !run.waitingSteps.isEmpty()) {
            PendingCheckpoint next = pending(run, run.waitingSteps.first());
            if (next.complete()) {
                stopWaiting(run, next.step);
                process(run, next, out);
            } else if (run.eventTime >= next.deadline(config.missingScoreTimeoutMs())) {
                stopWaiting(run, next.step);
                skip(run, next, out);
            } else {
                break;
            }
        }
        return out;
    }

    private void skip(RunState run, PendingCheckpoint pc, List<Output> out) {
        run.gapPending = true;
        run.skippedCheckpoints++;
        run.lastProcessedStep = pc.step;
        pc.skipped = true;
        // from now on its results are looked up in the store, whether the header that holds it is kept or decoded
        pc.taskKeys = null;
        remember(run, pc);
        run.skipped.put(pc.step, pc);
        String got = pc.expectedResults < 0 ? "no results" : pc.resultCount + " of " + pc.expectedResults + " results";
        String id = run.runId + "/" + pc.step + "/missing-scores";
        out.add(new Output.Alert(id, run.runId, "missing-scores", Severity.WARN, "checkpoint " + pc.step + " got "
                + got + " within " + config.missingScoreTimeoutMs() + " ms; skipped, no hop is reported across it",
                "", pc.step));
    }

    /** A skipped checkpoint completed after all: its points, flagged late, without touching the detectors. */
    private List<Output> publishLate(RunState run, PendingCheckpoint pc) {
        pc.publishedLate = true;
        run.lateCheckpoints++;
        List<Output> out = new ArrayList<>();
        Map<String, Double> soft = new TreeMap<>();
        for (Map.Entry<String, SeriesPoint> e : points(results(run, pc), false, pc.step).entrySet()) {
            SeriesPoint p = e.getValue();
            SeriesEntry entry = run.parts().series(e.getKey());
            Mode now = entry == null ? Mode.UNDECIDED : entry.state.confirmed;
            Mode mode = p.hasItems() ? classifier.classify(p.value(), p.items()) : Mode.UNDECIDED;
            out.add(new Output.LateObservation(Ids.observation(run.runId, e.getKey(), pc.step), run.runId, e.getKey(),
                    pc.step, mode, now, p.value(), p.softScore(), p.items()));
            if (p.hasItems()) {
                soft.put(e.getKey(), p.softScore());
            }
        }
        scorePredictors(run, pc.step, soft, out);
        return out;
    }

    private void process(RunState run, PendingCheckpoint pc, List<Output> out) {
        boolean gap = run.gapPending;
        run.gapPending = false;
        run.lastProcessedStep = pc.step;
        remember(run, pc);
        RunParts parts = run.parts();
        run.hasParts = true;

        List<ProbeScore> results = results(run, pc);
        Map<String, SeriesPoint> points = points(results, gap, pc.step);
        keepProcessed(parts, pc.step, results, points);
        Map<String, double[]> families = new TreeMap<>();
        List<Output> afterObservations = new ArrayList<>();
        CheckpointRanker.State ranking = parts.ranking();
        List<DataWindow> windows = null;
        SourceStatistics sources = null;
        boolean sourcesChanged = false;
        for (Map.Entry<String, SeriesPoint> e : points.entrySet()) {
            SeriesPoint p = e.getValue();
            SeriesEntry entry = parts.series(e.getKey());
            if (entry == null) {
                entry = new SeriesEntry(new SeriesState(run.runId, e.getKey(), !p.hasItems()));
            }
            SeriesState s = entry.state;
            SeriesUpdate u = s.plain ? changePointDetector.observe(s, p) : hopDetector.observe(s, p);
            out.add(u.observation());
            entry.latest = u.observation();
            List<RunState.HopRecord> hops = u.hop() == null && u.verdicts().isEmpty() ? null : parts.hops(s.series);
            if (u.hop() != null) {
                if (windows == null) {
                    windows = parts.windows();
                    sources = parts.sources();
                }
                Output.ModeHop hop = WindowAttribution.attribute(u.hop(), windows);
                out.add(hop);
                sourcesChanged |= sources.record(hop);
                hops.add(new RunState.HopRecord(hop));
                afterObservations.addAll(config.rules().fire(new AlertRules.Trigger(run.runId, hop.id(), hop.series(),
                        hop.from(), hop.to(), hop.direction(), hop.step(), hop.step(), Verdict.PENDING)));
            }
            for (Output.HopStability v : u.verdicts()) {
                afterObservations.add(v);
                RunState.HopRecord record = RunState.HopRecord.find(hops, v.hopId());
                if (record != null) {
                    record.verdict = v.verdict();
                    record.decidedAtStep = v.decidedAtStep();
                    afterObservations.addAll(config.rules().fire(new AlertRules.Trigger(run.runId, v.hopId(),
                            v.series(), record.hop.from(), record.hop.to(), record.hop.direction(), v.hopStep(),
                            v.decidedAtStep(), v.verdict())));
                }
                if (!s.plain) {
                    ranker.onVerdict(ranking, v.hopStep(), v.series(), v.verdict());
                }
            }
            if (hops != null) {
                RunState.HopRecord.trimDecided(hops, config.recentHopsKept());
                parts.saveHops(s.series, hops);
            }
            parts.saveSeries(entry);
            if (!s.plain) {
                boolean held = u.hop() == null && u.observation().mode() != Mode.UNDECIDED;
                families.put(s.series, new double[] {p.softScore(), held ? CheckpointRanker.HELD : CheckpointRanker.UNSURE});
            }
        }
        out.addAll(afterObservations);
        ranker.onCheckpoint(ranking, run.runId, pc.step, families).ifPresent(out::add);
        if (!families.isEmpty()) {
            parts.saveRanking(ranking);
        }
        if (sources != null) {
            parts.saveSources(sources);
        }
        if (sourcesChanged) {
            out.add(new Output.SourceStatisticsUpdate(Ids.sourceStatistics(run.runId, pc.step), run.runId, pc.step,
                    sources.hopsOfRun(), sources.moves()));
        }
        Map<String, Double> soft = new TreeMap<>();
        families.forEach((family, v) -> soft.put(family, v[0]));
        scorePredictors(run, pc.step, soft, out);
    }

    /** One point per series: counted results of a family pooled over its tasks, plain results each alone. */
    static Map<String, SeriesPoint> points(List<ProbeScore> results, boolean gap, long step) {
        Map<String, double[]> pooled = new TreeMap<>();
        Map<String, SeriesPoint> points = new TreeMap<>();
        for (ProbeScore r : results) {
            if (r.hasItemCount()) {
                double[] acc = pooled.computeIfAbsent(r.family(), f -> new double[3]);
                acc[0] += r.hardAccuracy() * r.items();
                acc[1] += r.softScore() * r.items();
                acc[2] += r.items();
            } else {
                double se = r.stderr() == null ? Double.NaN : r.stderr();
                SeriesPoint p = SeriesPoint.plain(step, r.hardAccuracy(), se);
                points.put(r.series(), gap ? p.afterGap() : p);
            }
        }
        for (Map.Entry<String, double[]> e : pooled.entrySet()) {
            double[] acc = e.getValue();
            SeriesPoint p = SeriesPoint.counted(step, acc[0] / acc[2], acc[1] / acc[2], (int) acc[2]);
            points.put(e.getKey(), gap ? p.afterGap() : p);
        }
        return points;
    }

    /**
     * What stays of a processed checkpoint instead of its results: their task keys and the counted families' soft
     * scores. The results go (one by one: the step's results were just listed).
     */
    private static void keepProcessed(RunParts parts, long step, List<ProbeScore> results,
                                      Map<String, SeriesPoint> points) {
        List<String> taskKeys = new ArrayList<>(results.size());
        for (ProbeScore r : results) {
            taskKeys.add(r.taskKey());
            parts.dropResult(step, r.taskKey());
        }
        Map<String, Double> soft = new TreeMap<>();
        points.forEach((series, p) -> {
            if (p.hasItems()) {
                soft.put(series, p.softScore());
            }
        });
        parts.saveProcessed(new ProcessedCheckpoint(step, taskKeys, soft));
    }

    /**
     * Keeps the checkpoint among the recent ones (what stays of a processed one, the results of a skipped one); the
     * oldest is forgotten.
     */
    private static void remember(RunState run, PendingCheckpoint pc) {
        run.processed.add(pc.step);
        while (run.processed.size() > PROCESSED_KEPT) {
            long forgotten = run.processed.pollFirst();
            PendingCheckpoint skipped = run.skipped.remove(forgotten);
            if (skipped == null && run.parts().processed(forgotten) != null) {
                run.parts().dropProcessed(forgotten);
            } else {
                run.parts().dropResults(forgotten);
            }
        }
    }

    /** The run as queries see it (reads every series of the run). */
    public RunSummary summarize(RunState run) {
        List<Output.ModeObservation> modes = new ArrayList<>();
        List<RunState.HopRecord> hops = new ArrayList<>();
        for (SeriesEntry e : run.parts().allSeries()) {
            if (e.latest != null) {
                modes.add(e.latest);
            }
            hops.addAll(run.parts().hops(e.state.series));
        }
        hops.sort(Comparator.comparingLong((RunState.HopRecord h) -> h.hop.step()).thenComparing(h -> h.hop.series()));
        CheckpointRanker.State ranking = run.parts().ranking();
        return new RunSummary(run.runId, run.lastProcessedStep, modes, hops, ranking.bestStep, ranking.bestScore,
                ranker.leaderboard(ranking), run.parts().sources(), run.skippedCheckpoints, run.waitingSteps.size());
    }
}
