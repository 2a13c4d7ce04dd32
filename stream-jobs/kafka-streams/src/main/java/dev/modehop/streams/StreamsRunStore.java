package dev.modehop.streams;

import dev.modehop.step.PartCache;
import dev.modehop.step.RunStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One run's parts in the job's key-value store, each under {@code <length of run id>:<run id><name>}: the length
 * keeps one run's keys from ever being a prefix of another's, so a prefix scan finds exactly one run's parts.
 */
final class StreamsRunStore implements RunStore {
    private static final StringSerializer KEYS = new StringSerializer();

    private final ReadOnlyKeyValueStore<String, byte[]> reads;
    private final KeyValueStore<String, byte[]> writes;
    private final String prefix;
    private final PartCache decoded;

    private StreamsRunStore(ReadOnlyKeyValueStore<String, byte[]> reads, KeyValueStore<String, byte[]> writes,
                            String runId, PartCache decoded) {
        this.reads = reads;
        this.writes = writes;
        this.prefix = prefix(runId);
        this.decoded = decoded;
    }

    /** The processor's view of one run; {@code decoded} is the task's cache of decoded parts (or null). */
    static StreamsRunStore of(KeyValueStore<String, byte[]> store, String runId, PartCache decoded) {
        return new StreamsRunStore(store, store, runId, decoded);
    }

    /** For queries: reads only, and decodes every read (queries run on other threads than the task). */
    static StreamsRunStore reading(ReadOnlyKeyValueStore<String, byte[]> store, String runId) {
        return new StreamsRunStore(store, null, runId, null);
    }

    @Override
    public PartCache decoded() {
        return decoded;
    }

    @Override
    public String decodedKey(String name) {
        return prefix + name;
    }

    static String prefix(String runId) {
        return runId.length() + ":" + runId;
    }

    /** The run id of a store key that holds the part {@code name}, or null for other keys. */
    static String runOf(String key, String name) {
        int colon = key.indexOf(':');
        int length;
        try {
            length = colon < 0 ? -1 : Integer.parseInt(key.substring(0, colon));
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0) {
            return null;
        }
        String rest = key.substring(colon + 1);
        return rest.length() == length + name.length() && rest.endsWith(name) ? rest.substring(0, length) : null;
    }

    @Override
    public byte[] get(String name) {
        return reads.get(prefix + name);
    }

    @Override
    public void put(String name, byte[] value) {
        writes.put(prefix + name, value);
    }

    @Override
    public void delete(String name) {
        writes.delete(prefix + name);
        if (decoded != null) {
            decoded.forget(prefix + name);
        }
    }

    @Override
    public List<String> names(String namePrefix) {
        List<String> names = new ArrayList<>();
        try (var it = reads.prefixScan(prefix + namePrefix, KEYS)) {
            it.forEachRemaining(kv -> names.add(kv.key.substring(prefix.length())));
        }
        return names;
    }

    /** Deletes every part of the run (each a tombstone in the changelog), held-back ones too. */
    void deleteAll() {
        for (String name : names("")) {
            delete(name);
        }
        if (decoded != null) {
            decoded.dropUnstoredUnder(prefix);
        }
    }
}
