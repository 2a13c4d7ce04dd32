package dev.modehop.streams;

import dev.modehop.core.RunMonitor;
import dev.modehop.core.RunSummary;
import dev.modehop.schemas.RunStateCodec;
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
    private final RunMonitor monitor;

    public MonitorQueries(KafkaStreams streams, RunMonitor monitor) {
        this.streams = streams;
        this.monitor = monitor;
    }

    private ReadOnlyKeyValueStore<String, byte[]> store() {
        return streams.store(StoreQueryParameters.fromNameAndType(MonitorTopology.STATE_STORE,
                QueryableStoreTypes.keyValueStore()));
    }

    public List<String> runs() {
        List<String> runs = new ArrayList<>();
        try (var it = store().all()) {
            it.forEachRemaining(kv -> runs.add(kv.key));
        }
        return runs;
    }

    public Optional<RunSummary> run(String runId) {
        byte[] stored = store().get(runId);
        return stored == null ? Optional.empty() : Optional.of(monitor.summarize(RunStateCodec.decode(stored)));
    }
}
