package dev.modehop.step;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One run's parts in a sorted map (offline use, tests, benchmarks), counting the bytes written to it and the
 * listings of names asked of it.
 */
public final class MemoryRunStore implements RunStore {
    private final TreeMap<String, byte[]> parts = new TreeMap<>();
    private final PartCache decoded;
    private long bytesWritten;
    private long listings;

    public MemoryRunStore() {
        this(null);
    }

    /** With {@code decoded} kept between calls, as the engines keep them. */
    public MemoryRunStore(PartCache decoded) {
        this.decoded = decoded;
    }

    private MemoryRunStore(int capacity) {
        this.decoded = PartCache.writingBack(capacity, this::store);
    }

    /** With a write-back cache of {@code capacity} parts, as the Kafka Streams job keeps them. */
    public static MemoryRunStore writingBack(int capacity) {
        return new MemoryRunStore(capacity);
    }

    @Override
    public PartCache decoded() {
        return decoded;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /** How many times {@link #names} was asked (a range scan in an engine's store). */
    public long listings() {
        return listings;
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    @Override
    public byte[] get(String name) {
        return parts.get(name);
    }

    @Override
    public void put(String name, byte[] value) {
        store(name, value);
    }

    private void store(String name, byte[] value) {
        parts.put(name, value);
        bytesWritten += value.length;
    }

    @Override
    public void delete(String name) {
        parts.remove(name);
        if (decoded != null) {
            decoded.forget(name);
        }
    }

    /** Deletes every part, as an engine deletes a run. */
    public void deleteAll() {
        for (String name : names("")) {
            delete(name);
        }
        if (decoded != null && decoded.writesBack()) {
            decoded.dropUnstoredUnder("");
        }
    }

    @Override
    public List<String> names(String prefix) {
        listings++;
        List<String> names = new ArrayList<>();
        for (String name : parts.tailMap(prefix, true).keySet()) {
            if (!name.startsWith(prefix)) {
                break;
            }
            names.add(name);
        }
        return names;
    }
}
