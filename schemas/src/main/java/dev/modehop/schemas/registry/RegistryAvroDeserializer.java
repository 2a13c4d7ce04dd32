package dev.modehop.schemas.registry;

import dev.modehop.schemas.AvroSerdes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into the expected specific record class, resolving the writer's
 * schema (fetched by id) against the reader's, so that records written by an older or newer compatible
 * schema still decode.
 */
public final class RegistryAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private SchemaRegistryClient registry;
    private Class<T> type;
    private Schema readerSchema;
    private SpecificData model;
    private final ConcurrentHashMap<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    /** Sets the class to produce (AvroSerdes does this; otherwise {@code modehop.value.type} names it). */
    public void expect(Class<?> expected) {
        @SuppressWarnings("unchecked")
        Class<T> t = (Class<T>) expected;
        this.type = t;
        this.readerSchema = SpecificData.get().getSchema(t);
        this.model = GeneratedCoders.forClass(t);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object url = configs.get(AvroSerdes.REGISTRY_URL);
        registry = RegistryClients.forUrl(url == null ? null : url.toString());
        Object typeName = configs.get(AvroSerdes.VALUE_TYPE);
        if (type == null && typeName != null) {
            try {
                expect(Class.forName(typeName.toString()));
            } catch (ClassNotFoundException e) {
                throw new SerializationException("unknown value type " + typeName, e);
            }
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < WireFormat.HEADER || data[0] != WireFormat.MAGIC) {
            throw new SerializationException("not a schema-registry Avro record (" + data.length
                    + " bytes, first byte " + (data.length == 0 ? "none" : data[0]) + ")");
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        SpecificDatumReader<T> reader = readers.computeIfAbsent(id, k -> {
            Schema writer = new Schema.Parser().parse(registry.schemaById(id));
            return new SpecificDatumReader<>(writer, readerSchema, model);
        });
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER,
                    data.length - WireFormat.HEADER, null);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("trailing bytes after the Avro record");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("cannot read " + (type == null ? "record" : type.getSimpleName())
                    + " from " + topic + " (schema id " + id + "): " + e, e);
        }
    }
}
