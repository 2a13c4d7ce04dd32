package dev.modehop.schemas;

import dev.modehop.schemas.registry.RegistryAvroDeserializer;
import dev.modehop.schemas.registry.RegistryAvroSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Value serdes of the topics. By default modehop's own registry serde: Avro binary in the Confluent wire
 * format (magic byte, 4-byte schema id), schemas registered through the Confluent-compatible REST protocol,
 * which the embedded registry, Apicurio Registry ({@code /apis/ccompat/v7}) and Confluent Schema Registry
 * all serve. Set {@link #SERIALIZER} and {@link #DESERIALIZER} to other classes (Confluent's
 * KafkaAvroSerializer, Apicurio's AvroKafkaSerializer, ...) plus their own settings to swap them in; they
 * are configured with the same map.
 */
public final class AvroSerdes {
    /** The registry's base URL (the ccompat endpoint for Apicurio). */
    public static final String REGISTRY_URL = "schema.registry.url";
    public static final String SERIALIZER = "modehop.value.serializer";
    public static final String DESERIALIZER = "modehop.value.deserializer";
    /** The value class a deserializer must produce, given to custom deserializers that want it. */
    public static final String VALUE_TYPE = "modehop.value.type";

    private AvroSerdes() {
    }

    public static <V extends SpecificRecord> Serde<V> forType(Class<V> type, Map<String, ?> config) {
        Map<String, Object> cfg = new HashMap<>(config);
        cfg.put(VALUE_TYPE, type.getName());
        Serializer<V> serializer = instantiate(cfg.get(SERIALIZER), RegistryAvroSerializer.class);
        Deserializer<V> deserializer = instantiate(cfg.get(DESERIALIZER), RegistryAvroDeserializer.class);
        if (deserializer instanceof RegistryAvroDeserializer<?> own) {
            own.expect(type);
        }
        serializer.configure(cfg, false);
        deserializer.configure(cfg, false);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    @SuppressWarnings("unchecked")
    private static <T> T instantiate(Object configured, Class<?> fallback) {
        String name = configured == null ? fallback.getName() : configured instanceof Class<?> c ? c.getName()
                : configured.toString();
        try {
            return (T) Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new KafkaException("cannot create serde class " + name + ": " + e, e);
        }
    }
}
