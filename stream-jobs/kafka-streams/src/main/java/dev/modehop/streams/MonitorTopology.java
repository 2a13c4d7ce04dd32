package dev.modehop.streams;

import dev.modehop.core.RunMonitor;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.step.MonitorStep;
import dev.modehop.step.StepSettings;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams topology: the input topics (read as raw bytes so that undecodable records can be sent to
 * their dead-letter topics intact) feed one processor that runs the {@link MonitorStep} per run on a state
 * store; its outputs, already encoded by the step, go to their topics. Inputs must be co-partitioned (same
 * partition count), as they are all keyed by run id.
 */
public final class MonitorTopology {
    public static final String STATE_STORE = "modehop-run-state";
    public static final String DEADLINE_STORE = "modehop-run-deadlines";
    static final String PROCESSOR = "run-monitor";
    /** How far behind the newest producer time deadlines fire, as the Flink job's out-of-orderness. */
    public static final Duration DEFAULT_LATENESS = Duration.ofMinutes(1);

    private MonitorTopology() {
    }

    public static Topology build(Topics topics, RunMonitor monitor) {
        return build(topics, monitor, ProcessingListener.NONE);
    }

    public static Topology build(Topics topics, RunMonitor monitor, ProcessingListener listener) {
        return build(topics, new MonitorStep(topics, monitor, StepSettings.defaults()), DEFAULT_LATENESS, listener);
    }

    public static Topology build(Topics topics, MonitorStep step, Duration lateness, ProcessingListener listener) {
        Topology t = new Topology();
        List<String> sources = topics.inputs().stream().map(in -> "source-" + in.name()).toList();
        for (int i = 0; i < sources.size(); i++) {
            t.addSource(sources.get(i), Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                    topics.inputs().get(i).name());
        }
        t.addProcessor(PROCESSOR, () -> new RunMonitorProcessor(step, lateness.toMillis(), listener),
                sources.toArray(String[]::new));
        // The run parts: the step's write-back cache (WriteBackStore) holds every part written and puts each once
        // per commit, so Kafka Streams' record cache under it would only copy those puts once more before the
        // same changelog record and RocksDB write (and sit in every read and range scan); it is off here.
        t.addStateStore(WriteBackStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                STATE_STORE), Serdes.String(), Serdes.ByteArray()).withCachingDisabled()), PROCESSOR);
        // The deadlines, written by the processor itself when a run's deadline moves: cached, so that a deadline
        // moved several times within a commit is one changelog record.
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINE_STORE), Serdes.String(),
                Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        for (Topic<?> out : topics.outputs()) {
            t.addSink(sinkName(out.name()), out.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                    PROCESSOR);
        }
        for (Topic<?> in : topics.inputs()) {
            t.addSink(sinkName(in.dlq()), in.dlq(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                    PROCESSOR);
        }
        return t;
    }

    static String sinkName(String topic) {
        return "sink-" + topic;
    }
}
