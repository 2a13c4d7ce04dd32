package dev.modehop.embedded.bench;

import dev.modehop.embedded.EmbeddedKafka;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The load generator's and readers' clients: string keys, values already serialized. */
public final class BenchmarkClients {
    private BenchmarkClients() {
    }

    /** linger 5 ms: batches the unpaced phase's bursts without holding a paced checkpoint back for long. */
    public static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer());
    }

    /** From the earliest offset; read_committed sees only what an exactly-once pipeline has committed. */
    public static KafkaConsumer<String, byte[]> consumer(EmbeddedKafka kafka, String group, boolean readCommitted) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        return new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
