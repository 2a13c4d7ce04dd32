package dev.modehop.streams;

import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.ProbeScore;
import dev.modehop.schemas.ProbeScores;
import java.util.Map;

/** Input records for tests. */
final class Events {
    private Events() {
    }

    static CheckpointReady ready(String run, long step, long at) {
        return CheckpointReady.newBuilder().setRunId(run).setStep(step).setTokensSeen(step * 1000)
                .setUri("/ckpt/" + run + "/" + step).setProducedAt(at).build();
    }

    static ProbeScore score(String run, long step, String family, double acc, long at) {
        return ProbeScores.counted(run, step, "toy", family, "main", 512, acc, 2 * acc - 1).setSeedCount(4)
                .setScorerId("test").setDurationMs(1).setProducedAt(at).build();
    }

    static DataWindow window(String run, String id, long start, long end, double icl) {
        return DataWindow.newBuilder().setRunId(run).setWindowId(id).setStartStep(start).setEndStep(end)
                .setTokens(0).setMixture(Map.of("icl", icl, "iwl", 1 - icl)).setProducedAt(1).build();
    }
}
