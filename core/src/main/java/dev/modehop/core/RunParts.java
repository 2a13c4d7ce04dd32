package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of a run's state that most records do not touch: one {@link SeriesEntry} per series, the hops of
 * each series, each stored probe result, each checkpoint in flight and what is kept of each one processed, the
 * data windows, source statistics, ranking state and predictor test.
 * {@link RunMonitor} asks for a part only when it needs it and
 * hands back what it changed, so one probe score costs the same whether its run has 4 series or 100. An engine
 * keeps each part under its own key (see the monitor step); {@link #inMemory()} keeps them in maps, for offline
 * detection and tests.
 */
public interface RunParts {
    /** The series' entry, or null when the run has not seen the series yet. */
    SeriesEntry series(String series);

    void saveSeries(SeriesEntry entry);

    /** Every series entry of the run, in series order (queries only: it reads them all). */
    List<SeriesEntry> allSeries();

    /** The stored result of one (family, task) at one step, or null. */
    ProbeScore result(long step, String taskKey);

    void saveResult(ProbeScore result);

    /** The stored results of one step, in task-key order. */
    List<ProbeScore> results(long step);

    void dropResults(long step);

    /** Drops the result of one (family, task) at one step, without listing the step's results. */
    void dropResult(long step, String taskKey);

    /** A checkpoint in flight ({@link RunState#waitingSteps}), or null. */
    PendingCheckpoint pending(long step);

    void savePending(PendingCheckpoint checkpoint);

    void dropPending(long step);

    /**
     * What is kept of a processed checkpoint ({@link RunState#processed}), or null: not processed, skipped, or
     * processed by a build that kept its results instead (those are then still stored).
     */
    ProcessedCheckpoint processed(long step);

    void saveProcessed(ProcessedCheckpoint checkpoint);

    void dropProcessed(long step);

    /**
     * The series' hops for queries and verdicts: every one whose verdict is pending, and the most recent
     * decided ones; empty when none. Read only when the series hops or a verdict is decided.
     */
    List<RunState.HopRecord> hops(String series);

    void saveHops(String series, List<RunState.HopRecord> hops);

    /** The run's data windows (bounded, {@link WindowAttribution}), in start order; read when a hop is attributed. */
    List<DataWindow> windows();

    void saveWindows(List<DataWindow> windows);

    SourceStatistics sources();

    void saveSources(SourceStatistics sources);

    CheckpointRanker.State ranking();

    void saveRanking(CheckpointRanker.State ranking);

    /** The run's predictor test so far (bounded: {@link PredictorEvaluation}); read when predictors or a checkpoint come. */
    PredictorEvaluation.State predictors();

    void savePredictors(PredictorEvaluation.State predictors);

    static RunParts inMemory() {
        return new InMemory();
    }

    /** All parts in maps. */
    final class InMemory implements RunParts {
        private final TreeMap<String, SeriesEntry> series = new TreeMap<>();
        private final TreeMap<Long, TreeMap<String, ProbeScore>> results = new TreeMap<>();
        private final TreeMap<String, List<RunState.HopRecord>> hops = new TreeMap<>();
        private final TreeMap<Long, PendingCheckpoint> pending = new TreeMap<>();
        private final TreeMap<Long, ProcessedCheckpoint> processed = new TreeMap<>();
        private List<DataWindow> windows = new ArrayList<>();
        private SourceStatistics sources = new SourceStatistics();
        private CheckpointRanker.State ranking = new CheckpointRanker.State();
        private PredictorEvaluation.State predictors = new PredictorEvaluation.State();

        @Override
        public SeriesEntry series(String name) {
            return series.get(name);
        }

        @Override
        public void saveSeries(SeriesEntry entry) {
            series.put(entry.state.series, entry);
        }

        @Override
        public List<SeriesEntry> allSeries() {
            return new ArrayList<>(series.values());
        }

        @Override
        public ProbeScore result(long step, String taskKey) {
            Map<String, ProbeScore> atStep = results.get(step);
            return atStep == null ? null : atStep.get(taskKey);
        }

        @Override
        public void saveResult(ProbeScore r) {
            results.computeIfAbsent(r.step(), s -> new TreeMap<>()).put(r.taskKey(), r);
        }

        @Override
        public List<ProbeScore> results(long step) {
            Map<String, ProbeScore> atStep = results.get(step);
            return atStep == null ? new ArrayList<>() : new ArrayList<>(atStep.values());
        }

        @Override
        public void dropResults(long step) {
            results.remove(step);
        }

        @Override
        public void dropResult(long step, String taskKey) {
            Map<String, ProbeScore> atStep = results.get(step);
            if (atStep != null) {
                atStep.remove(taskKey);
                if (atStep.isEmpty()) {
                    results.remove(step);
                }
            }
        }

        @Override
        public PendingCheckpoint pending(long step) {
            return pending.get(step);
        }

        @Override
        public void savePending(PendingCheckpoint pc) {
            pending.put(pc.step, pc);
        }

        @Override
        public void dropPending(long step) {
            pending.remove(step);
        }

        @Override
        public ProcessedCheckpoint processed(long step) {
            return processed.get(step);
        }

        @Override
        public void saveProcessed(ProcessedCheckpoint checkpoint) {
            processed.put(checkpoint.step, checkpoint);
        }

        @Override
        public void dropProcessed(long step) {
            processed.remove(step);
        }

        @Override
        public List<RunState.HopRecord> hops(String name) {
            return hops.getOrDefault(name, new ArrayList<>());
        }

        @Override
        public void saveHops(String name, List<RunState.HopRecord> h) {
            hops.put(name, h);
        }

        @Override
        public List<DataWindow> windows() {
            return windows;
        }

        @Override
        public void saveWindows(List<DataWindow> w) {
            windows = w;
        }

        @Override
        public SourceStatistics sources() {
            return sources;
        }

        @Override
        public void saveSources(SourceStatistics s) {
            sources = s;
        }

        @Override
        public CheckpointRanker.State ranking() {
            return ranking;
        }

        @Override
        public void saveRanking(CheckpointRanker.State r) {
            ranking = r;
        }

        @Override
        public PredictorEvaluation.State predictors() {
            return predictors;
        }

        @Override
        public void savePredictors(PredictorEvaluation.State p) {
            predictors = p;
        }
    }
}
