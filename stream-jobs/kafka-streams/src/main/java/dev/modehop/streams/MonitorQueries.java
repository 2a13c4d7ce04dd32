package dev.modehop.streams;

import dev.modehop.core.RunSummary;
import dev.modehop.step.MonitorStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries on the job's state: current modes, hops and best checkpoint per run, from the
 * local store (runs whose partitions this instance owns).
 */
public final class MonitorQueries {
    private final KafkaStreams streams;
    private final MonitorStep step;

    public MonitorQueries(KafkaStreams streams, MonitorStep step) {
        this.streams = streams;
        this.step = step;
    }

    private ReadOnlyKeyValueStore<String, byte[]> store() {
        return streams.store(StoreQueryParameters.fromNameAndType(MonitorTopology.STATE_STORE,
                QueryableStoreTypes.keyValueStore()));
    }

    public List<String> runs() {
        List<String> runs = new ArrayList<>();
        try (var it = store().all()) {
            it.forEachRemaining(kv -> {
                String run = StreamsRunStore.runOf(kv.key, MonitorStep.HEADER_PART);
                if (run != null) {
                    runs.add(run);
                }
            });
        }
        return runs;
    }

    public Optional<RunSummary> run(String runId) {
        return step.summarize(StreamsRunStore.reading(store(), runId));
    }
}
