package dev.modehop.streams;

import dev.modehop.core.RunMonitor;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams topology: the three input topics (read as raw bytes so that undecodable records can
 * be sent to their dead-letter topics intact) feed one processor that runs {@link RunMonitor} per run on a
 * state store; its outputs go to their topics. Inputs must be co-partitioned (same partition count), as
 * they are all keyed by run id.
 */
public final class MonitorTopology {
    public static final String STATE_STORE = "modehop-run-state";
    static final String PROCESSOR = "run-monitor";

    private MonitorTopology() {
    }

    public static Topology build(Topics topics, RunMonitor monitor) {
        return build(topics, monitor, ProcessingListener.NONE);
    }

    public static Topology build(Topics topics, RunMonitor monitor, ProcessingListener listener) {
        Topology t = new Topology();
        List<String> sources = List.of("checkpoint-ready-source", "datawindow-source", "probe-scored-source");
        t.addSource(sources.get(0), Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                topics.checkpointReady.name());
        t.addSource(sources.get(1), Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                topics.dataWindowClosed.name());
        t.addSource(sources.get(2), Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                topics.probeScored.name());
        t.addProcessor(PROCESSOR, () -> new RunMonitorProcessor(topics, monitor, listener), sources.toArray(String[]::new));
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(),
                Serdes.ByteArray()), PROCESSOR);
        for (Topic<?> out : topics.outputs()) {
            t.addSink(sinkName(out.name()), out.name(), Serdes.String().serializer(), serializer(out), PROCESSOR);
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

    @SuppressWarnings("unchecked")
    private static Serializer<Object> serializer(Topic<?> topic) {
        return (Serializer<Object>) topic.valueSerde().serializer();
    }
}
