package dev.modehop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedKafka;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.CoPartitioning;
import dev.modehop.schemas.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job refuses to start on input topics whose partition counts differ, naming the topics and counts. */
class InputCoPartitioningTest {
    @TempDir
    Path tmp;

    @Test
    void refusesToStartOnInputsThatAreNotCoPartitioned() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            // Never contacted: the job stops before it builds its serdes' first request.
            Topics topics = Topics.create("p.", Map.of(AvroSerdes.REGISTRY_URL, "http://127.0.0.1:1"));
            kafka.createTopics(List.of("p.modehop.checkpoint.ready", "p.modehop.datawindow.closed", "p.modehop.scoring.progress",
                    "p.modehop.checkpoint.predictors"), 2);
            kafka.createTopics(List.of("p.modehop.probe.scored"), 4);
            // Created a moment ago: the check waits for them to be visible instead of calling them missing.
            var config = MonitorStreamsJob.config(kafka.bootstrapServers(), "copartition-test", tmp.toString(), Map.of());
            CoPartitioning.NotCoPartitionedException e = assertThrows(CoPartitioning.NotCoPartitionedException.class,
                    () -> MonitorStreamsJob.start(topics, new RunMonitor(MonitorConfig.defaults()), config));
            assertEquals("refusing to start: input topics are not co-partitioned: p.modehop.checkpoint.ready has 2, "
                    + "p.modehop.datawindow.closed has 2, p.modehop.probe.scored has 4, p.modehop.scoring.progress has 2, "
                    + "p.modehop.checkpoint.predictors has 2 partitions; "
                    + "the monitor's inputs "
                    + "need one partition count, or a run's records land in different tasks and the run is lost",
                    e.getMessage());

            Topics other = Topics.create("q.", Map.of(AvroSerdes.REGISTRY_URL, "http://127.0.0.1:1"));
            kafka.createTopics(List.of("q.modehop.checkpoint.ready"), 2);
            CoPartitioning.NotCoPartitionedException missing = assertThrows(
                    CoPartitioning.NotCoPartitionedException.class,
                    () -> MonitorStreamsJob.start(other, new RunMonitor(MonitorConfig.defaults()), config));
            assertEquals("refusing to start: input topics q.modehop.datawindow.closed, q.modehop.probe.scored, q.modehop.scoring.progress, "
                    + "q.modehop.checkpoint.predictors do not "
                    + "exist (create them with 'modehop topics create')", missing.getMessage());
        }
    }
}
