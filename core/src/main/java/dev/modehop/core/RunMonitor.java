package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The whole monitor for one run: orders checkpoints, turns their results into modes, hops, verdicts,
 * alerts, control commands and rankings. Stateless itself: each call takes the run's {@link RunState} and
 * changes it, so engines keep the state wherever they keep state. Outputs come in a deterministic order.
 *
 * <p>Order: results may arrive out of step order. A run's checkpoints are processed in step order, each
 * once all its results arrived ({@code taskCount} of them). An announced checkpoint whose results do not
 * complete within the timeout (event time: the producers' timestamps) is skipped; the next processed
 * checkpoint is marked as following a gap, and no hop is reported across it.
 */
public final class RunMonitor {
    /** Processed checkpoints remembered to recognise duplicate results. */
    static final int PROCESSED_KEPT = 16;
    /** Results held back for a run not announced yet; beyond this they are rejected at once. */
    static final int PARKED_KEPT = 10_000;

    private final MonitorConfig config;
    private final HopDetector hopDetector;
    private final ChangePointDetector changePointDetector;
    private final CheckpointRanker ranker;

    public RunMonitor(MonitorConfig config) {
        this.config = config;
        this.hopDetector = new HopDetector(config);
        this.changePointDetector = new ChangePointDetector(config);
        this.ranker = new CheckpointRanker(config.leaderboardSize());
    }

    public MonitorConfig config() {
        return config;
    }

    public List<Output> onCheckpointReady(RunState run, CheckpointAnnouncement a) {
        Optional<String> problem = a.problem();
        if (problem.isPresent()) {
            return List.of(new Output.Rejection(a.runId(), "invalid checkpoint.ready: " + problem.get()));
        }
        boolean first = !run.announced;
        run.announced = true;
        advanceTime(run, a.producedAt());
        if (a.step() > run.lastProcessedStep) {
            run.waiting.computeIfAbsent(a.step(), s -> new PendingCheckpoint(s, run.eventTime)).announced = true;
        }
        if (first && !run.parked.isEmpty()) {
            List<Output> out = new ArrayList<>();
            List<ProbeResult> held = new ArrayList<>(run.parked);
            run.parked.clear();
            run.firstParkedAt = -1;
            for (ProbeResult r : held) {
                out.addAll(accept(run, r, true));
            }
            out.addAll(drain(run));
            return out;
        }
        return drain(run);
    }

    public List<Output> onWindow(RunState run, TrainingWindow w, long eventTime) {
        Optional<String> problem = w.problem();
        if (problem.isPresent()) {
            return List.of(new Output.Rejection(w.runId(), "invalid data window: " + problem.get()));
        }
        WindowAttribution.remember(run.windows, w);
        advanceTime(run, eventTime);
        return drain(run);
    }

    public List<Output> onResult(RunState run, ProbeResult r) {
        Optional<String> problem = r.problem();
        if (problem.isPresent()) {
            return List.of(new Output.Rejection(r.runId(), "invalid probe score: " + problem.get()));
        }
        advanceTime(run, r.producedAt());
        if (!run.announced) {
            return park(run, r);
        }
        List<Output> out = accept(run, r, false);
        out.addAll(drain(run));
        return out;
    }

    /**
     * A result of a run that no checkpoint.ready announced yet: it may only have overtaken its announcement
     * (they travel on different topics), so it is held back until the announcement comes or the timeout
     * passes; then every held result is rejected as belonging to an unknown run.
     */
    private List<Output> park(RunState run, ProbeResult r) {
        if (run.parked.size() >= PARKED_KEPT) {
            return List.of(new Output.Rejection(r.runId(), unknownRun(r.runId())));
        }
        run.parked.add(r);
        if (run.firstParkedAt < 0) {
            run.firstParkedAt = run.eventTime;
        }
        return expireParked(run);
    }

    private List<Output> expireParked(RunState run) {
        if (run.parked.isEmpty() || run.eventTime - run.firstParkedAt < config.missingScoreTimeoutMs()) {
            return new ArrayList<>();
        }
        List<Output> out = new ArrayList<>();
        for (ProbeResult held : run.parked) {
            out.add(new Output.Rejection(held.runId(), unknownRun(held.runId()), held));
        }
        run.parked.clear();
        run.firstParkedAt = -1;
        return out;
    }

    private String unknownRun(String runId) {
        return "unknown run '" + runId + "': no checkpoint.ready was seen for it within "
                + config.missingScoreTimeoutMs() + " ms";
    }

    /** Files a result of an announced run ({@code wasParked}: held back earlier); drains nothing. */
    private List<Output> accept(RunState run, ProbeResult r, boolean wasParked) {
        if (r.step() <= run.lastProcessedStep) {
            List<String> keys = run.processed.get(r.step());
            if (keys != null && keys.contains(r.taskKey())) {
                run.duplicatesIgnored++;
                return new ArrayList<>();
            }
            List<Output> out = new ArrayList<>();
            out.add(new Output.Rejection(r.runId(), "late probe score for step " + r.step()
                    + ": the run already moved past it (processed or skipped after the timeout)", wasParked ? r : null));
            return out;
        }
        PendingCheckpoint pc = run.waiting.computeIfAbsent(r.step(), s -> new PendingCheckpoint(s, run.eventTime));
        if (pc.results.containsKey(r.taskKey())) {
            run.duplicatesIgnored++;
        } else {
            pc.results.put(r.taskKey(), r);
        }
        pc.expectedResults = Math.max(pc.expectedResults, r.taskCount());
        return new ArrayList<>();
    }

    /** Lets the missing-score timeout act when no record arrives (an engine's timer calls this). */
    public List<Output> onTime(RunState run, long eventTime) {
        advanceTime(run, eventTime);
        List<Output> out = expireParked(run);
        out.addAll(drain(run));
        return out;
    }

    private static void advanceTime(RunState run, long eventTime) {
        run.eventTime = Math.max(run.eventTime, eventTime);
    }

    private List<Output> drain(RunState run) {
        List<Output> out = new ArrayList<>();
        while (!run.waiting.isEmpty()) {
            PendingCheckpoint next = run.waiting.firstEntry().getValue();
            if (next.complete()) {
                run.waiting.pollFirstEntry();
                process(run, next, out);
            } else if (run.eventTime - next.firstSeenAt >= config.missingScoreTimeoutMs()) {
                run.waiting.pollFirstEntry();
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
        remember(run, pc);
        String got = pc.expectedResults < 0 ? "no results" : pc.results.size() + " of " + pc.expectedResults + " results";
        String id = run.runId + "/" + pc.step + "/missing-scores";
        out.add(new Output.Alert(id, run.runId, "missing-scores", Severity.WARN, "checkpoint " + pc.step + " got "
                + got + " within " + config.missingScoreTimeoutMs() + " ms; skipped, no hop is reported across it",
                "", pc.step));
    }

    private void process(RunState run, PendingCheckpoint pc, List<Output> out) {
        boolean gap = run.gapPending;
        run.gapPending = false;
        run.lastProcessedStep = pc.step;
        remember(run, pc);

        Map<String, SeriesPoint> points = points(pc, gap);
        Map<String, double[]> families = new TreeMap<>();
        List<Output> afterObservations = new ArrayList<>();
        for (Map.Entry<String, SeriesPoint> e : points.entrySet()) {
            SeriesPoint p = e.getValue();
            SeriesState s = run.series.computeIfAbsent(e.getKey(), k -> new SeriesState(run.runId, k, !p.hasItems()));
            SeriesUpdate u = s.plain ? changePointDetector.observe(s, p) : hopDetector.observe(s, p);
            out.add(u.observation());
            run.latest.put(s.series, u.observation());
            if (u.hop() != null) {
                Output.ModeHop hop = WindowAttribution.attribute(u.hop(), run.windows);
                out.add(hop);
                run.sources.record(hop);
                run.hops.add(new RunState.HopRecord(hop));
                while (run.hops.size() > config.recentHopsKept()) {
                    run.hops.remove(0);
                }
                afterObservations.addAll(config.rules().fire(new AlertRules.Trigger(run.runId, hop.id(), hop.series(),
                        hop.from(), hop.to(), hop.direction(), hop.step(), hop.step(), Verdict.PENDING)));
            }
            for (Output.HopStability v : u.verdicts()) {
                afterObservations.add(v);
                RunState.HopRecord record = findHop(run, v.hopId());
                if (record != null) {
                    record.verdict = v.verdict();
                    record.decidedAtStep = v.decidedAtStep();
                    afterObservations.addAll(config.rules().fire(new AlertRules.Trigger(run.runId, v.hopId(),
                            v.series(), record.hop.from(), record.hop.to(), record.hop.direction(), v.hopStep(),
                            v.decidedAtStep(), v.verdict())));
                }
                if (!s.plain) {
                    ranker.onVerdict(run.ranking, run.runId, v.hopStep(), v.series(), v.verdict(), pc.step)
                            .ifPresent(afterObservations::add);
                }
            }
            if (!s.plain) {
                boolean held = u.hop() == null && u.observation().mode() != Mode.UNDECIDED;
                families.put(s.series, new double[] {p.softScore(), held ? CheckpointRanker.HELD : CheckpointRanker.UNSURE});
            }
        }
        out.addAll(afterObservations);
        ranker.onCheckpoint(run.ranking, run.runId, pc.step, families).ifPresent(out::add);
    }

    /** One point per series: counted results of a family pooled over its tasks, plain results each alone. */
    static Map<String, SeriesPoint> points(PendingCheckpoint pc, boolean gap) {
        Map<String, double[]> pooled = new TreeMap<>();
        Map<String, SeriesPoint> points = new TreeMap<>();
        for (ProbeResult r : pc.results.values()) {
            if (r.hasItemCount()) {
                double[] acc = pooled.computeIfAbsent(r.family(), f -> new double[3]);
                acc[0] += r.hardAccuracy() * r.items();
                acc[1] += r.softScore() * r.items();
                acc[2] += r.items();
            } else {
                double se = r.stderr() == null ? Double.NaN : r.stderr();
                SeriesPoint p = SeriesPoint.plain(pc.step, r.hardAccuracy(), se);
                points.put(r.series(), gap ? p.afterGap() : p);
            }
        }
        for (Map.Entry<String, double[]> e : pooled.entrySet()) {
            double[] acc = e.getValue();
            SeriesPoint p = SeriesPoint.counted(pc.step, acc[0] / acc[2], acc[1] / acc[2], (int) acc[2]);
            points.put(e.getKey(), gap ? p.afterGap() : p);
        }
        return points;
    }

    private static void remember(RunState run, PendingCheckpoint pc) {
        run.processed.put(pc.step, new ArrayList<>(pc.results.keySet()));
        while (run.processed.size() > PROCESSED_KEPT) {
            run.processed.pollFirstEntry();
        }
    }

    private static RunState.HopRecord findHop(RunState run, String hopId) {
        for (int i = run.hops.size() - 1; i >= 0; i--) {
            if (run.hops.get(i).hop.id().equals(hopId)) {
                return run.hops.get(i);
            }
        }
        return null;
    }

    /** The run as queries see it. */
    public RunSummary summarize(RunState run) {
        return new RunSummary(run.runId, run.lastProcessedStep, List.copyOf(run.latest.values()),
                List.copyOf(run.hops), run.ranking.bestStep, run.ranking.bestScore, ranker.leaderboard(run.ranking),
                run.sources, run.skippedCheckpoints, run.waiting.size());
    }
}
