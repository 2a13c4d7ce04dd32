package dev.modehop.flink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every consumed record, decodable or not, into an {@link InputRecord}: nothing is dropped or thrown
 * here, so bad records reach their dead-letter topic with their original bytes.
 */
public final class KafkaInputDeserializer implements KafkaRecordDeserializationSchema<InputRecord> {
    private static final long serialVersionUID = 1L;

    private final InputDecoder decoder;

    public KafkaInputDeserializer(InputDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord> out) {
        out.collect(decoder.classify(InputRecord.raw(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), record.value(), record.headers())));
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }
}
