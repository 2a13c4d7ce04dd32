package dev.modehop.step;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Decoded parts an engine shell keeps between records, so that a part read again (a run's header on every
 * record, its series at every checkpoint) is not decoded again. An entry is used only while the store still
 * holds the very byte array it was decoded from or encoded to (compared by identity): whatever replaced,
 * restored or deleted the stored value, a revived task, a restore after a failure, a state backend that copies,
 * makes the next read decode the stored bytes. The {@link MonitorStep} forgets every part it read and did not
 * write back within a call, so an entry never holds a change that was not stored. Least recently used entries
 * go beyond the capacity. One per engine task (not shared between threads).
 */
public final class PartCache {
    /**
     * Parts kept by default per task: the headers, series, hops and waiting results of about a hundred active
     * runs of a few families. Bounded by count, so a heap of a few hundred MB holds it even when every entry is
     * a large one (a 100-family run's ranking is about 100 KB decoded).
     */
    public static final int DEFAULT_CAPACITY = 2048;

    private record Entry(byte[] bytes, Object part) {
    }

    private final LinkedHashMap<String, Entry> entries;

    public PartCache(int capacity) {
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The part stored as {@code bytes} under {@code key}: the kept one when it came from these bytes, else decoded. */
    @SuppressWarnings("unchecked")
    <T> T read(String key, byte[] bytes, Function<byte[], T> decode) {
        if (bytes == null) {
            entries.remove(key);
            return null;
        }
        Entry e = entries.get(key);
        if (e != null && e.bytes == bytes) {
            return (T) e.part;
        }
        T part = decode.apply(bytes);
        entries.put(key, new Entry(bytes, part));
        return part;
    }

    /** {@code part} was just encoded to {@code bytes} and stored under {@code key}. */
    void wrote(String key, byte[] bytes, Object part) {
        entries.put(key, new Entry(bytes, part));
    }

    void forget(String key) {
        entries.remove(key);
    }

    /** Drops everything (an engine's task starts again from its store). */
    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }
}
