package dev.modehop.step;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
 * new cache whenever the task starts again from its store. A kept part, and a part known to be absent, are used
 * without reading the store, and every write is held back: encoded and stored once, by {@link #writeBack}, which
 * the shell calls before the engine commits what the store holds (Kafka Streams: before it flushes its store
 * cache into the changelog). A run that is written at every record then costs one encoding and one store write
 * per commit instead of one per record, and a part created and deleted between two commits (a checkpoint's
 * results, the checkpoint in flight) never reaches the store. Parts held back and not yet stored are listed by
 * {@link #unstoredUnder}, for the names a store lists; a held part is stored when it leaves the cache.</li>
 * </ul>
 *
 * The {@link MonitorStep} forgets every part it read and did not write back within a call, so an entry not held
 * back never holds a change that was not meant to be stored. A held part stays even when a call only read it: the
 * object is the one a call wrote, and this relies on the monitor changing a part only to write it again (or in a
 * call that deletes the run, which drops the run's held parts).
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

    /** What {@link #kept} answers for a key known to be absent from the store (write-back only). */
    static final Object ABSENT = new Object();

    /**
     * A part (null: known absent) and the store's bytes for it: {@code bytes}, or, while {@code heldWith} is set,
     * older ones or none ({@code stored} says whether the store has the key at all).
     */
    private static final class Entry {
        /** The key it is kept under: the string a lookup hashed first, so its hash is computed once. */
        final String key;
        Object part;
        byte[] bytes;
        PartCodec heldWith;
        boolean stored;
        /**
         * The list of the call that read it and did not write it since, or null ({@link #forgetUnwritten}): a
         * list, not a flag, so a call that never ended (an exception before its end) leaves no mark that would
         * keep later calls from listing the entry.
         */
        List<Object> readBy;

        Entry(String key, Object part, byte[] bytes, PartCodec heldWith, boolean stored) {
            this.key = key;
            this.part = part;
            this.bytes = bytes;
            this.heldWith = heldWith;
            this.stored = stored;
        }
    }

    private final LinkedHashMap<String, Entry> entries;
    private final Sink sink;
    /** Keys held back that the store does not have yet. */
    private final TreeSet<String> unstored = new TreeSet<>();
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

    /**
     * The part stored as {@code bytes} under {@code key}: the kept one when it came from these bytes, else decoded;
     * its entry goes to {@code reads} (see {@link #forgetUnwritten}).
     */
    @SuppressWarnings("unchecked")
    <T> T read(String key, byte[] bytes, Function<byte[], T> decode, List<Object> reads) {
        if (bytes == null) {
            forget(key);
            return null;
        }
        Entry e = entries.get(key);
        if (e == null || e.bytes != bytes || e.heldWith != null) {
            e = new Entry(key, decode.apply(bytes), bytes, null, true);
            put(key, e);
        }
        markRead(e, reads);
        return (T) e.part;
    }

    /**
     * Write-back: the part kept under {@code key}, held or not, its entry added to {@code reads}; {@link #ABSENT}
     * when the store is known not to have it; null when nothing is known (read the store).
     */
    Object kept(String key, List<Object> reads) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.part == null) {
            return ABSENT;
        }
        markRead(e, reads);
        return e.part;
    }

    private static void markRead(Entry e, List<Object> reads) {
        if (e.readBy != reads) {
            e.readBy = reads;
            reads.add(e);
        }
    }

    /** Write-back: the store has nothing under {@code key} (a read found none). */
    void absent(String key) {
        put(key, new Entry(key, null, null, null, false));
    }

    /** {@code part} is what the store holds as {@code bytes} under {@code key}, just stored. */
    void wrote(String key, byte[] bytes, Object part) {
        put(key, new Entry(key, part, bytes, null, true));
    }

    /** {@code part} was just decoded from the store's {@code bytes} under {@code key}; its entry goes to {@code reads}. */
    void decoded(String key, byte[] bytes, Object part, List<Object> reads) {
        Entry e = new Entry(key, part, bytes, null, true);
        put(key, e);
        markRead(e, reads);
    }

    /**
     * Write-back: holds {@code part} back as the new value of {@code key}, to be encoded with {@code codec} and
     * stored later, when anything is known of the key (kept, held or known absent: whether the store has it
     * decides how it is listed); false when nothing is, and nothing was done.
     */
    boolean holdBackKnown(String key, Object part, PartCodec codec) {
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        // in place: a part written at every record (a run's header, the checkpoint in flight) is counted and listed
        // once, when it is first held, instead of being unlisted and listed again at each write
        if (e.heldWith == null) {
            held++;
            if (!e.stored) {
                unstored.add(key);
            }
        }
        e.part = part;
        e.heldWith = codec;
        e.readBy = null;
        return true;
    }

    /** Write-back: holds back the first write of a key nothing was known of; {@code stored}: the store has it. */
    void holdBack(String key, Object part, PartCodec codec, boolean stored) {
        put(key, new Entry(key, part, null, codec, stored));
    }

    /** The key's value was deleted or replaced in the store: whatever is kept for it, held or not, goes. */
    public void forget(String key) {
        remove(key);
    }

    /**
     * Write-back: the part under {@code key} is deleted; true when the store never had it (it was held back
     * since it was created), so there is nothing to delete there.
     */
    boolean dropped(String key) {
        Entry e = remove(key);
        return e != null && !e.stored;
    }

    /** Write-back: forgets every part held back under {@code keyPrefix} that the store does not have (a run deleted). */
    public void dropUnstoredUnder(String keyPrefix) {
        for (String key : new ArrayList<>(unstoredUnder(keyPrefix))) {
            remove(key);
        }
    }

    /** Write-back: the keys under {@code keyPrefix} held back and not yet in the store, in order. */
    java.util.SortedSet<String> unstoredUnder(String keyPrefix) {
        return unstored.subSet(keyPrefix, keyPrefix + Character.MAX_VALUE);
    }

    /**
     * Ends a call: each entry in {@code reads} (read in the call, by {@link #read}, {@link #kept} or
     * {@link #decoded}) that is still kept and was not written since is forgotten, unless it is held back (what
     * it holds was written); {@code reads} is emptied. An entry replaced or removed since is no longer kept.
     */
    void forgetUnwritten(List<Object> reads) {
        for (Object o : reads) {
            Entry e = (Entry) o;
            if (e.readBy == reads) {
                e.readBy = null;
                if (e.heldWith == null && e.part != null) {
                    entries.remove(e.key, e);
                }
            }
        }
        reads.clear();
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
            if (!e.stored) {
                e.stored = true;
                unstored.remove(key);
            }
            sink.put(key, e.bytes);
        }
    }

    private void put(String key, Entry e) {
        Entry old = entries.put(key, e);
        uncount(key, old);
        if (e.heldWith != null) {
            held++;
            if (!e.stored) {
                unstored.add(key);
            }
        }
    }

    private Entry remove(String key) {
        Entry e = entries.remove(key);
        uncount(key, e);
        return e;
    }

    private void uncount(String key, Entry old) {
        if (old != null && old.heldWith != null) {
            held--;
            if (!old.stored) {
                unstored.remove(key);
            }
        }
    }

    /** Drops everything, held parts too (an engine's task starts again from its store). */
    public void clear() {
        entries.clear();
        unstored.clear();
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
