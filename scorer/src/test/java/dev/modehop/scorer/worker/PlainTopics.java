package dev.modehop.scorer.worker;

import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.ScoringProgress;
import dev.modehop.schemas.Topic;
import org.apache.kafka.common.serialization.Serdes;

/** The worker's topics with plain Avro serdes (no registry), for tests that drive a worker with mock clients. */
final class PlainTopics {
    static final Topic<CheckpointReady> READY = new Topic<>("modehop.checkpoint.ready", Serdes.String(),
            PlainAvroSerde.of(CheckpointReady.class));
    static final Topic<ProbeScore> SCORED = new Topic<>("modehop.probe.scored", Serdes.String(),
            PlainAvroSerde.of(ProbeScore.class));
    static final Topic<CheckpointPredictors> PREDICTORS = new Topic<>("modehop.checkpoint.predictors",
            Serdes.String(), PlainAvroSerde.of(CheckpointPredictors.class));
    static final Topic<ScoringProgress> PROGRESS = new Topic<>("modehop.scoring.progress", Serdes.String(),
            PlainAvroSerde.of(ScoringProgress.class));

    private PlainTopics() {
    }
}
