package dev.modehop.flink;

import dev.modehop.core.AlertRules;
import dev.modehop.core.MonitorConfig;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.schemas.ProbeScores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One recorded input stream for the conformance tests: two runs plus an unknown one, out-of-order and
 * duplicate scores, a checkpoint whose scores never come (a gap, timed out by the run's own later records),
 * and bad records (garbage bytes, a NaN score, an unknown run whose held-back scores are given up, a key that is not the run id, a late score).
 *
 * <p>Phase 1 (data windows and checkpoint announcements) comes before phase 2 (scores), as in a real run.
 * All timestamps stay below the gap's deadline plus the watermark's out-of-orderness, so the Flink job's
 * timers never fire before the record that times the gap out in both engines.
 */
final class RecordedStream {
    static final long T0 = 1_767_225_600_000L;
    static final String RULES =
            "steer: when flipped hops to PARROT and is STABLE then alert WARN, adjust-mixture icl=0.9 iwl=0.1, averaging-test";
    /** r2's step 200 is announced at T0 + 20 s and never scored. */
    static final long GAP_DEADLINE = T0 + 20_000 + MonitorConfig.defaults().missingScoreTimeoutMs();

    static final double[] R3_MIXED = {0.95, 0.96, 0.94, 0.52, 0.49, 0.50, 0.51, 0.93, 0.95, 0.94, 0.96, 0.95};
    static final double[] R3_PLAIN = {2.00, 2.02, 1.99, 2.01, 2.00, 1.98, 2.01, 2.60, 2.59, 2.61, 2.60, 2.62};

    record Recorded(String topic, String key, byte[] value, long timestamp) {
    }

    final List<Recorded> phase1 = new ArrayList<>();
    final List<Recorded> phase2 = new ArrayList<>();
    private final Topics topics;

    static MonitorConfig monitorConfig() {
        return MonitorConfig.builder().rules(AlertRules.parse(RULES)).build();
    }

    RecordedStream(Topics topics) {
        this.topics = topics;
        window(phase1, "r1", "w0", 0, 100, 0.9, T0 + 1000);
        window(phase1, "r1", "w1", 100, 300, 0.1, 0);
        window(phase1, "r2", "w0", 0, 500, 0.5, T0 + 1000);
        phase1.add(new Recorded(topics.checkpointReady.name(), "r1", new byte[] {0, 0, 0, 0, 42, 7}, T0 + 5000));
        add(phase1, topics.checkpointReady, "r1", ready("r2", 999, T0 + 6000), T0 + 6000);
        for (int k = 1; k <= 5; k++) {
            add(phase1, topics.checkpointReady, "r1", ready("r1", 50L * k, T0 + 10_000L * k), T0 + 10_000L * k);
        }
        for (int k = 1; k <= 4; k++) {
            add(phase1, topics.checkpointReady, "r2", ready("r2", 100L * k, T0 + 10_000L * k), T0 + 10_000L * k);
        }
        for (int k = 1; k <= R3_MIXED.length; k++) {
            add(phase1, topics.checkpointReady, "r3", ready("r3", 10L * k, T0 + 1000L * k), T0 + 1000L * k);
        }

        score(phase2, "r1", 150, "flipped", 0.03, 1, T0 + 60_000);
        score(phase2, "r1", 100, "flipped", 0.98, 1, T0 + 61_000);
        score(phase2, "r1", 100, "flipped", 0.98, 1, T0 + 62_000);
        score(phase2, "r1", 50, "flipped", 0.97, 1, T0 + 63_000);
        score(phase2, "r1", 50, "flipped", 0.97, 1, T0 + 64_000);
        phase2.add(new Recorded(topics.probeScored.name(), "r1", new byte[] {1, 2, 3}, T0 + 64_500));
        score(phase2, "r1", 200, "flipped", Double.NaN, 1, T0 + 65_000);
        score(phase2, "r1", 200, "flipped", 0.02, 1, T0 + 66_000);
        score(phase2, "r1", 250, "flipped", 0.04, 1, T0 + 67_000);
        score(phase2, "ghost", 50, "flipped", 0.9, 1, T0 + 68_000);
        add(phase2, topics.probeScored, "r1", scoreValue("r1", 50, "flipped", "late-task", 0.9, 1, T0 + 69_000),
                T0 + 69_000);
        score(phase2, "r2", 100, "flipped", 0.92, 2, T0 + 50_000);
        score(phase2, "r2", 100, "copy", 0.12, 2, T0 + 51_000);
        score(phase2, "r2", 300, "flipped", 0.08, 2, GAP_DEADLINE + 1000);
        score(phase2, "r2", 300, "copy", 0.10, 2, GAP_DEADLINE + 1100);
        score(phase2, "r2", 400, "flipped", 0.06, 2, GAP_DEADLINE + 2000);
        score(phase2, "r2", 400, "copy", 0.91, 2, GAP_DEADLINE + 2100);
        // r3: a family that hops into MIXED and out again, and a plain series (no item count) with a level
        // shift and an outlier for the change-point detector.
        for (int k = 1; k <= R3_MIXED.length; k++) {
            long at = T0 + 70_000 + 100L * k;
            score(phase2, "r3", 10L * k, "flipped", R3_MIXED[k - 1], 2, at);
            add(phase2, topics.probeScored, "r3", plainValue("r3", 10L * k, R3_PLAIN[k - 1], at + 50), at + 50);
            // its predictors, before the scores (phase 1, committed before phase 2 is sent, so the end-to-end run
            // pairs them in the same order as the reference): the predictor test
            add(phase1, topics.checkpointPredictors, "r3", predictors("r3", 10L * k,
                    R3_MIXED[k - 1], k, at + 60), at + 60);
        }
        // The unknown run's scores are held back until its own event time passes the timeout.
        score(phase2, "ghost", 100, "flipped", 0.9, 1, T0 + 68_000 + MonitorConfig.defaults().missingScoreTimeoutMs());
    }

    List<Recorded> all() {
        List<Recorded> all = new ArrayList<>(phase1);
        all.addAll(phase2);
        return all;
    }

    private void window(List<Recorded> into, String run, String id, long start, long end, double icl, long at) {
        DataWindow w = DataWindow.newBuilder().setRunId(run).setWindowId(id).setStartStep(start).setEndStep(end)
                .setTokens(0).setMixture(Map.of("icl", icl, "iwl", 1 - icl)).setProducedAt(at).build();
        add(into, topics.dataWindowClosed, run, w, at > 0 ? at : T0 + 1000);
    }

    static CheckpointReady ready(String run, long step, long at) {
        return CheckpointReady.newBuilder().setRunId(run).setStep(step).setTokensSeen(step * 1000)
                .setUri("/ckpt/" + run + "/" + step).setProducedAt(at).build();
    }

    private void score(List<Recorded> into, String run, long step, String family, double acc, int taskCount, long at) {
        add(into, topics.probeScored, run, scoreValue(run, step, family, "main", acc, taskCount, at), at);
    }

    static ProbeScore scoreValue(String run, long step, String family, String task, double acc, int taskCount,
                                 long at) {
        return ProbeScores.counted(run, step, "toy", family, task, 512, acc, 2 * acc - 1).setSeedCount(4)
                .setTaskCount(taskCount).setScorerId("test").setDurationMs(1).setProducedAt(at).build();
    }

    /** Block 0's RankMe follows the accuracy; block 1 and the participation ratio are fixed noise. */
    static dev.modehop.events.CheckpointPredictors predictors(String run, long step, double acc, int k, long at) {
        double noise = Math.sin(17.0 * k);
        return dev.modehop.events.CheckpointPredictors.newBuilder().setId(run + "/" + step + "/predictors")
                .setRunId(run).setStep(step).setSuite("toy").setParameterL2Norm(300 + Math.cos(5.0 * k))
                .setBlockRankMe(List.of(10 + 5 * acc + 0.1 * noise, 10 + noise))
                .setBlockParticipationRatio(List.of(4 + Math.sin(3.0 * k), 4 + Math.cos(7.0 * k)))
                .setProducedAt(at).build();
    }

    static ProbeScore plainValue(String run, long step, double value, long at) {
        return ProbeScores.of(run, step, "toy", "loss", "loss", value).setStderr(0.01).setTaskCount(2)
                .setScorerId("test").setDurationMs(1).setProducedAt(at).build();
    }

    @SuppressWarnings("unchecked")
    private static <V> void add(List<Recorded> into, Topic<V> topic, String key, Object value, long at) {
        Serializer<Object> s = (Serializer<Object>) topic.valueSerde().serializer();
        into.add(new Recorded(topic.name(), key, s.serialize(topic.name(), value), at));
    }
}
