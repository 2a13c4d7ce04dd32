package dev.modehop.step;

import dev.modehop.core.Mode;
import dev.modehop.core.Output;
import dev.modehop.core.PredictorEvaluation;
import dev.modehop.core.DataWindow;
import dev.modehop.events.AttributedWindow;
import dev.modehop.events.PredictorCorrelation;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.RankedCheckpoint;
import dev.modehop.schemas.ProbeScores;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Where each monitor output goes and what it looks like there: its topic, its wire record (Avro) and bytes.
 * Also gives the bytes of a held-back probe score for its dead-letter topic.
 */
public final class OutputTable {
    private final Topics topics;

    public OutputTable(Topics topics) {
        this.topics = topics;
    }

    /** The output topic a monitor output is written to. */
    public Topic<?> topicOf(Output o) {
        if (o instanceof Output.ModeObservation || o instanceof Output.LateObservation) {
            return topics.modeObserved;
        }
        if (o instanceof Output.ModeHop) {
            return topics.hopDetected;
        }
        if (o instanceof Output.HopStability) {
            return topics.hopStability;
        }
        if (o instanceof Output.Alert) {
            return topics.alertRaised;
        }
        if (o instanceof Output.ControlCommand) {
            return topics.runControl;
        }
        if (o instanceof Output.CheckpointRanking) {
            return topics.checkpointRanked;
        }
        if (o instanceof Output.AveragingRequest) {
            return topics.averagingRequested;
        }
        if (o instanceof Output.SourceStatisticsUpdate) {
            return topics.sourceStatistics;
        }
        if (o instanceof Output.PredictorEvaluationUpdate) {
            return topics.predictorTest;
        }
        throw new IllegalArgumentException("no output topic for " + o.getClass().getSimpleName());
    }

    /** The value bytes of an output; {@code now} stamps the records that carry a time (the input's timestamp). */
    @SuppressWarnings("unchecked")
    public byte[] encode(Output o, long now) {
        Topic<?> topic = topicOf(o);
        return ((Serializer<Object>) topic.valueSerde().serializer()).serialize(topic.name(), wire(o, now));
    }

    /**
     * A probe.scored record the monitor held back and gave up, as it arrived (see {@link HeldBackScore}). A result
     * held in state written before the monitor kept its bytes has only the fields the monitor reads; it is rebuilt
     * from those (the scorer's id, duration, margin and generative counts were not kept, and a match rate's
     * item count is the effective one), with no headers and no position.
     */
    public HeldBackScore heldBack(dev.modehop.core.ProbeScore r) {
        if (r.received() != null) {
            return HeldBackScore.unwrap(r.received());
        }
        Topic<ProbeScore> source = topics.probeScored;
        ProbeScore wire = ProbeScores.of(r.runId(), r.step(), r.suite(), r.family(), r.task(), r.hardAccuracy())
                .setSeedCount(r.seedCount()).setItems(r.items()).setSoftScore(r.softScore()).setStderr(r.stderr())
                .setTaskCount(r.taskCount()).setProducedAt(r.producedAt()).build();
        return HeldBackScore.unwrap(source.valueSerde().serializer().serialize(source.name(), wire));
    }

    /** The wire record of an output; rejections have none (they route the input to its DLQ). */
    static SpecificRecord wire(Output o, long now) {
        if (o instanceof Output.ModeObservation m) {
            // one per score: the all-arguments constructor, without the builder's copies of every default
            return new dev.modehop.events.ModeObservation(m.id(), m.runId(), m.series(), m.step(), mode(m.mode()),
                    mode(m.confirmedMode()), m.hardAccuracy(), m.softScore(), m.items(), m.gapBefore(), /* late */ false);
        }
        if (o instanceof Output.LateObservation m) {
            return dev.modehop.events.ModeObservation.newBuilder().setId(m.id())
                    .setRunId(m.runId()).setSeries(m.series()).setStep(m.step()).setMode(mode(m.mode()))
                    .setConfirmedMode(mode(m.confirmedMode())).setHardAccuracy(m.hardAccuracy())
                    .setSoftScore(m.softScore()).setItems(m.items()).setGapBefore(false).setLate(true).build();
        }
        if (o instanceof Output.ModeHop h) {
            return dev.modehop.events.ModeHop.newBuilder().setId(h.id()).setRunId(h.runId())
                    .setSeries(h.series()).setStep(h.step()).setPrevStep(h.prevStep()).setAnchorStep(h.anchorStep())
                    .setDirection(dev.modehop.events.Direction.valueOf(h.direction().name()))
                    .setFrom(h.from() == null ? null : mode(h.from())).setTo(h.to() == null ? null : mode(h.to()))
                    .setBefore(h.before()).setAfter(h.after()).setZScore(h.zScore()).setWindows(windows(h.windows()))
                    .setDetectedAt(now).build();
        }
        if (o instanceof Output.HopStability v) {
            return dev.modehop.events.HopStability.newBuilder().setId(v.id())
                    .setHopId(v.hopId()).setRunId(v.runId()).setSeries(v.series()).setHopStep(v.hopStep())
                    .setDecidedAtStep(v.decidedAtStep())
                    .setVerdict(dev.modehop.events.Verdict.valueOf(v.verdict().name()))
                    .setCheckpointsObserved(v.checkpointsObserved()).setTo(v.to() == null ? null : mode(v.to())).build();
        }
        if (o instanceof Output.Alert a) {
            return dev.modehop.events.Alert.newBuilder().setId(a.id()).setRunId(a.runId())
                    .setRule(a.rule()).setSeverity(dev.modehop.events.Severity.valueOf(a.severity().name()))
                    .setMessage(a.message()).setHopId(a.hopId()).setStep(a.step()).build();
        }
        if (o instanceof Output.ControlCommand c) {
            return dev.modehop.events.ControlCommand.newBuilder().setId(c.id())
                    .setRunId(c.runId()).setAction(dev.modehop.events.ControlAction.valueOf(c.action().name()))
                    .setMixture(new HashMap<>(c.mixture())).setReason(c.reason()).setIssuedBy(c.issuedBy())
                    .setStep(c.step()).setIssuedAt(now).build();
        }
        if (o instanceof Output.CheckpointRanking r) {
            return dev.modehop.events.CheckpointRanking.newBuilder().setId(r.id())
                    .setRunId(r.runId()).setBestStep(r.bestStep()).setBestScore(r.bestScore()).setAsOfStep(r.asOfStep())
                    .setLeaderboard(r.leaderboard().stream()
                            .map(e -> new RankedCheckpoint(e.step(), e.score(), e.families().stream()
                                    .map(f -> new dev.modehop.events.FamilyContribution(f.family(), f.softScore(),
                                            f.weight(), f.contribution())).toList())).toList())
                    .build();
        }
        if (o instanceof Output.SourceStatisticsUpdate s) {
            return dev.modehop.events.SourceStatistics.newBuilder().setId(s.id()).setRunId(s.runId())
                    .setAsOfStep(s.asOfStep()).setHopsCounted(s.hopsCounted())
                    .setMoves(s.moves().stream().map(m -> new dev.modehop.events.SourceMove(m.source(),
                            mode(m.toward()), m.hops(), m.hopsOfRun(), m.meanWeight(), m.baseWeight(),
                            Double.isNaN(m.zScore()) ? null : m.zScore())).toList())
                    .build();
        }
        if (o instanceof Output.PredictorEvaluationUpdate p) {
            return dev.modehop.events.PredictorEvaluation.newBuilder().setId(p.id()).setRunId(p.runId())
                    .setAsOfStep(p.asOfStep()).setCheckpointsPaired(p.checkpointsPaired()).setDraws(p.draws())
                    .setResults(p.results().stream().map(OutputTable::correlation).toList())
                    .build();
        }
        if (o instanceof Output.AveragingRequest a) {
            return dev.modehop.events.AveragingRequest.newBuilder().setId(a.id()).setRunId(a.runId())
                    .setHopStep(a.hopStep()).setSeries(a.series()).setCheckpoints(a.checkpoints())
                    .setVerdict(a.verdict().name()).setRequestedBy(a.requestedBy()).setRequestedAt(now).build();
        }
        return null;
    }

    private static PredictorCorrelation correlation(PredictorEvaluation.Result r) {
        return PredictorCorrelation.newBuilder().setFamily(r.family()).setPredictor(r.predictor())
                .setCheckpoints(r.checkpoints()).setBlocks(Arrays.stream(r.blocks()).boxed().toList())
                .setPerLayer(Arrays.stream(r.perLayer()).boxed().toList())
                .setBestBlock(r.bestBlock() < 0 ? null : r.bestBlock())
                .setCorrelation(r.bestLayer() < 0 ? null : r.bestCorrelation())
                .setBaselineMean(r.baselineMean()).setBaselineP95(r.baselineP95())
                .setBeatsBaseline(r.beatsBaseline()).build();
    }

    /** The wire's constant of each mode, by ordinal; matched by name once. */
    private static final dev.modehop.events.Mode[] MODES = Arrays.stream(Mode.values())
            .map(m -> dev.modehop.events.Mode.valueOf(m.name())).toArray(dev.modehop.events.Mode[]::new);

    private static dev.modehop.events.Mode mode(Mode m) {
        return MODES[m.ordinal()];
    }

    private static List<AttributedWindow> windows(List<DataWindow> windows) {
        List<AttributedWindow> out = new ArrayList<>();
        for (DataWindow w : windows) {
            Map<String, Double> mixture = new HashMap<>(w.mixture());
            out.add(new AttributedWindow(w.windowId(), w.startStep(), w.endStep(), mixture));
        }
        return out;
    }
}
