package dev.modehop.schemas;

import dev.modehop.events.Alert;
import dev.modehop.events.AveragingRequest;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointRanking;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.DataWindow;
import dev.modehop.events.HopAveraging;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.PredictorEvaluation;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.RunFinished;
import dev.modehop.events.ScoringProgress;
import dev.modehop.events.SourceStatistics;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed registry of every modehop topic, declared once. Names are {@code <prefix>modehop.<entity>.<event>};
 * every record is keyed by run id; values are Avro with one registry subject per topic.
 */
public final class Topics {
    /** The monitor's inputs, in the order of {@link #inputs()}; they must be co-partitioned ({@link CoPartitioning}). */
    private static final List<String> INPUT_SUFFIXES = List.of("checkpoint.ready", "datawindow.closed", "probe.scored",
            "scoring.progress", "checkpoint.predictors");

    public final Topic<CheckpointReady> checkpointReady;
    public final Topic<DataWindow> dataWindowClosed;
    public final Topic<ProbeScore> probeScored;
    /** Scorer workers' signs of life while they score a checkpoint; read by the stream job with the scores. */
    public final Topic<ScoringProgress> scoringProgress;
    /** Written by scorer workers next to probe.scored; read by the stream job (the predictor test) and dashboards. */
    public final Topic<CheckpointPredictors> checkpointPredictors;
    public final Topic<ModeObservation> modeObserved;
    public final Topic<ModeHop> hopDetected;
    public final Topic<HopStability> hopStability;
    public final Topic<Alert> alertRaised;
    public final Topic<ControlCommand> runControl;
    public final Topic<CheckpointRanking> checkpointRanked;
    /** The stream job's per-source statistics of a run's hops (data selection). */
    public final Topic<SourceStatistics> sourceStatistics;
    /** The stream job's predictor test of a run (its predictors against a random baseline). */
    public final Topic<PredictorEvaluation> predictorTest;
    /** Written by training jobs when they are done (optional); read by dashboards, not by the stream job. */
    public final Topic<RunFinished> runFinished;
    /** Averaging tests asked for (stream job rules, CLI, dashboard); read by scorer workers. */
    public final Topic<AveragingRequest> averagingRequested;
    /** Their results, written by scorer workers; read by dashboards, reports and the CLI. */
    public final Topic<HopAveraging> hopAveraging;

    private Topics(String prefix, Map<String, ?> serdeConfig) {
        checkpointReady = topic(prefix, INPUT_SUFFIXES.get(0), CheckpointReady.class, serdeConfig);
        dataWindowClosed = topic(prefix, INPUT_SUFFIXES.get(1), DataWindow.class, serdeConfig);
        probeScored = topic(prefix, INPUT_SUFFIXES.get(2), ProbeScore.class, serdeConfig);
        scoringProgress = topic(prefix, INPUT_SUFFIXES.get(3), ScoringProgress.class, serdeConfig);
        checkpointPredictors = topic(prefix, INPUT_SUFFIXES.get(4), CheckpointPredictors.class, serdeConfig);
        modeObserved = topic(prefix, "mode.observed", ModeObservation.class, serdeConfig);
        hopDetected = topic(prefix, "hop.detected", ModeHop.class, serdeConfig);
        hopStability = topic(prefix, "hop.stability", HopStability.class, serdeConfig);
        alertRaised = topic(prefix, "alert.raised", Alert.class, serdeConfig);
        runControl = topic(prefix, "run.control", ControlCommand.class, serdeConfig);
        checkpointRanked = topic(prefix, "checkpoint.ranked", CheckpointRanking.class, serdeConfig);
        sourceStatistics = topic(prefix, "source.statistics", SourceStatistics.class, serdeConfig);
        predictorTest = topic(prefix, "predictor.test", PredictorEvaluation.class, serdeConfig);
        runFinished = topic(prefix, "run.finished", RunFinished.class, serdeConfig);
        averagingRequested = topic(prefix, "hop.averaging.requested", AveragingRequest.class, serdeConfig);
        hopAveraging = topic(prefix, "hop.averaging", HopAveraging.class, serdeConfig);
    }

    /**
     * @param prefix       prepended to every name (e.g. {@code "staging."}); empty for none
     * @param serdeConfig  {@link AvroSerdes} settings: the registry URL and, optionally, replacement serde classes
     */
    public static Topics create(String prefix, Map<String, ?> serdeConfig) {
        return new Topics(prefix == null ? "" : prefix, serdeConfig);
    }

    public List<Topic<?>> inputs() {
        return List.of(checkpointReady, dataWindowClosed, probeScored, scoringProgress, checkpointPredictors);
    }

    /** The names of {@link #inputs()} under {@code prefix}, without building serdes (for tools and checks). */
    public static List<String> inputNames(String prefix) {
        return INPUT_SUFFIXES.stream().map(s -> (prefix == null ? "" : prefix) + "modehop." + s).toList();
    }

    public List<Topic<?>> outputs() {
        return List.of(modeObserved, hopDetected, hopStability, alertRaised, runControl, checkpointRanked,
                averagingRequested, sourceStatistics, predictorTest);
    }

    /**
     * Inputs, outputs, the training jobs' end-of-run records and the averaging tests' results (the requests are
     * among the outputs: rules write them).
     */
    public List<Topic<?>> all() {
        List<Topic<?>> all = new java.util.ArrayList<>(inputs());
        all.addAll(outputs());
        all.add(runFinished);
        all.add(hopAveraging);
        return List.copyOf(all);
    }

    /** Every topic name including the dead-letter twins, for provisioning. */
    public List<String> allNamesWithDlq() {
        List<String> names = new java.util.ArrayList<>();
        for (Topic<?> t : all()) {
            names.add(t.name());
            names.add(t.dlq());
        }
        return names;
    }

    private static <V extends SpecificRecord> Topic<V> topic(String prefix, String suffix, Class<V> type,
                                                             Map<String, ?> serdeConfig) {
        return new Topic<>(prefix + "modehop." + suffix, Serdes.String(), AvroSerdes.forType(type, serdeConfig));
    }
}
