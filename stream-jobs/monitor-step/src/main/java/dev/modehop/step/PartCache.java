package dev.modehop.step;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Decoded parts an engine shell keeps between records, so that a part read again (a run's header on every
 * record, its series at every checkpoint) is not decoded again. One per engine task (not shared between
 * threads); least recently used entries go beyond the capacity. Two kinds:
 *
 * <ul>
 * <li><b>Checking</b> ({@link #PartCache(int)}): an entry is used only while the store still holds the very byte
 * array it was decoded from or encoded to (compared by identity), so whatever replaced, restored, expired or
 * deleted the stored value (a revived task, a state backend that copies, a state time-to-live) makes the next
 * read decode the stored bytes. Every write is encoded and stored at once.</li>
 * <li><b>Write-back</b> ({@link #writingBack}): for a store that only its task writes, and whose shell makes a
 * new cache whenever the task starts again from its store. A kept part is used without reading the store, and a
 * part written again is held back: encoded and stored once, by {@link #writeBack}, which the shell calls before
 * the engine commits what the store holds (Kafka Streams: before it flushes its store cache into the changelog).
 * A run that is written at every record then costs one encoding and one store write per commit instead of one
 * per record. A part's first write is stored at once, so the store lists every part that exists; a held part is
 * stored when it leaves the cache; a deleted one is dropped.</li>
 * </ul>
 *
 * The {@link MonitorStep} forgets every part it read and did not write back within a call, so an entry never
 * holds a change that was not meant to be stored (a held part stays: what it holds was written).
 */
public final class PartCache {
    /**
     * Parts kept by default per task: the headers, series, hops and waiting results of about a hundred active
     * runs of a few families. Bounded by count, so a heap of a few hundred MB holds it even when every entry is
     * a large one (a 100-family run's ranking is about 100 KB decoded).
     */
    public static final int DEFAULT_CAPACITY = 2048;

    /** Where a write-back cache stores what it held back: the engine's store, under the part's key here. */
    @FunctionalInterface
    public interface Sink {
        void put(String key, byte[] bytes);
    }

    /** A part and what the store holds for it: {@code bytes}, or, while {@code heldWith} is set, older bytes. */
    private static final class Entry {
        final Object part;
        byte[] bytes;
        PartCodec heldWith;

        Entry(Object part, byte[] bytes, PartCodec heldWith) {
            this.part = part;
            this.bytes = bytes;
            this.heldWith = heldWith;
        }
    }

    private final LinkedHashMap<String, Entry> entries;
    private final Sink sink;
    private int held;

    /** A checking cache. */
    public PartCache(int capacity) {
        this(capacity, null);
    }

    private PartCache(int capacity, Sink sink) {
        this.sink = sink;
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                store(eldest.getKey(), eldest.getValue());
                return true;
            }
        };
    }

    /** A write-back cache whose held parts go to {@code sink}. */
    public static PartCache writingBack(int capacity, Sink sink) {
        return new PartCache(capacity, java.util.Objects.requireNonNull(sink));
    }

    /** Whether kept parts are used without reading the store and writes are held back. */
    boolean writesBack() {
        return sink != null;
    }

    /** The part stored as {@code bytes} under {@code key}: the kept one when it came from these bytes, else decoded. */
    @SuppressWarnings("unchecked")
    <T> T read(String key, byte[] bytes, Function<byte[], T> decode) {
        if (bytes == null) {
            forget(key);
            return null;
        }
        Entry e = entries.get(key);
        if (e != null && e.bytes == bytes && e.heldWith == null) {
            return (T) e.part;
        }
        T part = decode.apply(bytes);
        put(key, new Entry(part, bytes, null));
        return part;
    }

    /** Write-back: the part kept under {@code key}, held or not, or null when none is kept (read the store). */
    Object kept(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.part;
    }

    /** {@code part} is what the store holds as {@code bytes} under {@code key} (just decoded, or just stored). */
    void wrote(String key, byte[] bytes, Object part) {
        put(key, new Entry(part, bytes, null));
    }

    /**
     * Write-back: holds {@code part} back as the new value of {@code key} (to be encoded with {@code codec} and
     * stored later), when the key is kept, so the store already lists it. False when it is not: store it now.
     */
    boolean holdBack(String key, Object part, PartCodec codec) {
        if (sink == null) {
            return false;
        }
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        put(key, new Entry(part, e.bytes, codec));
        return true;
    }

    /** The key's value was deleted or replaced in the store: whatever is kept for it, held or not, goes. */
    public void forget(String key) {
        Entry e = entries.remove(key);
        if (e != null && e.heldWith != null) {
            held--;
        }
    }

    /** A part read in a call and not written back: forgotten, unless held back (what it holds was written). */
    void forgetUnwritten(String key) {
        Entry e = entries.get(key);
        if (e != null && e.heldWith == null) {
            entries.remove(key);
        }
    }

    /** Write-back: encodes and stores every part held back; returns how many. */
    public int writeBack() {
        if (held == 0) {
            return 0;
        }
        int written = 0;
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext() && held > 0; ) {
            Map.Entry<String, Entry> e = it.next();
            if (e.getValue().heldWith != null) {
                store(e.getKey(), e.getValue());
                written++;
            }
        }
        return written;
    }

    private void store(String key, Entry e) {
        if (e.heldWith != null) {
            e.bytes = e.heldWith.encode(e.part);
            e.heldWith = null;
            held--;
            sink.put(key, e.bytes);
        }
    }

    private void put(String key, Entry e) {
        Entry old = entries.put(key, e);
        if (old != null && old.heldWith != null) {
            held--;
        }
        if (e.heldWith != null) {
            held++;
        }
    }

    /** Drops everything, held parts too (an engine's task starts again from its store). */
    public void clear() {
        entries.clear();
        held = 0;
    }

    public int size() {
        return entries.size();
    }

    /** Parts held back, not yet stored. */
    public int held() {
        return held;
    }
}
