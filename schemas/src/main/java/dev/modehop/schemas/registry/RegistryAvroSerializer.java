package dev.modehop.schemas.registry;

import dev.modehop.schemas.AvroSerdes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro specific records in the Confluent wire format, registering the writer schema under
 * {@code <topic>-value} on first use (set {@code auto.register.schemas=false} to only look it up).
 */
public final class RegistryAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private SchemaRegistryClient registry;
    private boolean autoRegister = true;
    /**
     * The id and writer of the last (topic, schema) written: a serializer writes one record class to one topic,
     * so this spares rendering the schema as text, a registry-cache lookup keyed by that text and a new writer
     * on every record (the largest share of an output's cost in the step benchmark).
     */
    private volatile Writer<T> last;

    private record Writer<T extends SpecificRecord>(String topic, org.apache.avro.Schema schema, int id,
                                                    SpecificDatumWriter<T> datumWriter) {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object url = configs.get(AvroSerdes.REGISTRY_URL);
        registry = RegistryClients.forUrl(url == null ? null : url.toString());
        Object auto = configs.get("auto.register.schemas");
        autoRegister = auto == null || Boolean.parseBoolean(auto.toString());
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Writer<T> w = last;
        if (w == null || w.schema() != record.getSchema() || !w.topic().equals(topic)) {
            String schema = record.getSchema().toString();
            String subject = WireFormat.subject(topic);
            int id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
            w = new Writer<>(topic, record.getSchema(), id, new SpecificDatumWriter<>(record.getSchema(),
                    GeneratedCoders.forClass(record.getClass())));
            last = w;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(WireFormat.MAGIC);
            out.write(ByteBuffer.allocate(4).putInt(w.id()).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            w.datumWriter().write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + record.getSchema().getFullName() + " for " + topic
                    + ": " + e.getMessage(), e);
        }
    }
}
