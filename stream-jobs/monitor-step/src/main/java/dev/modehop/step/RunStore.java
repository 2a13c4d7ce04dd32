package dev.modehop.step;

import java.util.List;

/**
 * An engine's keyed state for one run, as named byte values: Kafka Streams keeps each under run id plus name
 * in its store, Flink in a map state of the run's key. The {@link MonitorStep} decides the names and bytes.
 */
public interface RunStore {
    /** The value stored under {@code name}, or null. */
    byte[] get(String name);

    void put(String name, byte[] value);

    void delete(String name);

    /** The names stored under {@code prefix}, in ascending order. */
    List<String> names(String prefix);

    /** Where the engine keeps decoded parts between records ({@link PartCache}), or null to decode every read. */
    default PartCache decoded() {
        return null;
    }

    /** The key of part {@code name} in {@link #decoded()}: unique among the runs that share that cache. */
    default String decodedKey(String name) {
        return name;
    }
}
