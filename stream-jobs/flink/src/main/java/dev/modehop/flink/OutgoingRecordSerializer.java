package dev.modehop.flink;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Hands the already-serialized record to the producer. No partition is chosen here: the producer's default
 * partitioner hashes the key (the run id) exactly as Kafka Streams does, so a run stays in one partition.
 */
public final class OutgoingRecordSerializer implements KafkaRecordSerializationSchema<OutgoingRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutgoingRecord r, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(r.topic, null, r.timestamp, r.key, r.value, r.headers());
    }
}
