package dev.modehop.flink;

import dev.modehop.core.RunMonitor;
import dev.modehop.step.DeadLetters;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.streams.MonitorTopology;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** Runs a recorded stream through the Kafka Streams topology and renders any engine's outputs comparably. */
final class Engines {
    private Engines() {
    }

    /** Output topic -> key -> records in order. */
    static final class Outputs {
        final Map<String, Map<String, List<String>>> byTopic = new TreeMap<>();
        /** topic/id of every output that is not a dead letter, in arrival order */
        final List<String> ids = new ArrayList<>();
        private final Topics topics;
        private final boolean positions;

        /** @param positions compare the dead letters' source partition and offset headers too */
        Outputs(Topics topics, boolean positions) {
            this.topics = topics;
            this.positions = positions;
        }

        void add(String topic, byte[] key, byte[] value, long timestamp, Headers headers) {
            String k = key == null ? "<null>" : new String(key, StandardCharsets.UTF_8);
            byTopic.computeIfAbsent(topic, t -> new TreeMap<>()).computeIfAbsent(k, x -> new ArrayList<>())
                    .add(describe(topic, value, timestamp, headers));
        }

        int size() {
            return byTopic.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum();
        }

        private String describe(String topic, byte[] value, long timestamp, Headers headers) {
            String bytes = value == null ? "<null>" : Base64.getEncoder().encodeToString(value);
            if (topic.endsWith(".dlq")) {
                StringBuilder h = new StringBuilder();
                for (Header header : headers.toArray()) {
                    boolean position = header.key().equals(DeadLetters.SOURCE_PARTITION)
                            || header.key().equals(DeadLetters.SOURCE_OFFSET);
                    if (positions || !position) {
                        h.append(header.key()).append('=')
                                .append(new String(header.value(), StandardCharsets.UTF_8)).append("; ");
                    }
                }
                return "ts=" + timestamp + " headers=[" + h + "] value=" + bytes;
            }
            Topic<?> t = topics.outputs().stream().filter(o -> o.name().equals(topic)).findFirst().orElseThrow();
            Object decoded = t.valueSerde().deserializer().deserialize(topic, value);
            ids.add(topic + "/" + ((GenericRecord) decoded).get("id"));
            return "ts=" + timestamp + " " + decoded + " bytes=" + bytes;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            byTopic.forEach((topic, keys) -> keys.forEach((key, records) -> {
                s.append(topic).append(" / ").append(key).append('\n');
                records.forEach(r -> s.append("    ").append(r).append('\n'));
            }));
            return s.toString();
        }
    }

    static List<String> outputNames(Topics topics) {
        List<String> names = new ArrayList<>();
        topics.outputs().forEach(t -> names.add(t.name()));
        topics.inputs().forEach(t -> names.add(t.dlq()));
        return names;
    }

    /** The reference: what the Kafka Streams job emits for these records, in this order. */
    static Outputs kafkaStreams(Topics topics, List<RecordedStream.Recorded> records, boolean positions) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "conformance");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        Outputs outputs = new Outputs(topics, positions);
        try (TopologyTestDriver driver = new TopologyTestDriver(
                MonitorTopology.build(topics, new RunMonitor(RecordedStream.monitorConfig())), p)) {
            Map<String, TestInputTopic<byte[], byte[]>> inputs = new TreeMap<>();
            for (Topic<?> in : topics.inputs()) {
                inputs.put(in.name(), driver.createInputTopic(in.name(), new ByteArraySerializer(),
                        new ByteArraySerializer()));
            }
            for (RecordedStream.Recorded r : records) {
                inputs.get(r.topic()).pipeInput(new TestRecord<>(r.key().getBytes(StandardCharsets.UTF_8), r.value(),
                        new RecordHeaders(), Instant.ofEpochMilli(r.timestamp())));
            }
            for (String name : outputNames(topics)) {
                for (TestRecord<byte[], byte[]> r : driver.createOutputTopic(name, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer()).readRecordsToList()) {
                    outputs.add(name, r.key(), r.value(), r.timestamp(), r.headers());
                }
            }
        }
        return outputs;
    }
}
