package dev.modehop.streams;

import dev.modehop.step.PartCache;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The job's run-state store with the step's write-back {@link PartCache} in front of it: Kafka Streams asks
 * every cached store to flush its cache into the changelog before it commits a task (in the same transaction as
 * the input offsets), and this store first stores the parts the cache held back. So a part written at every
 * record (a run's header) is encoded and stored once per commit, and what a commit makes durable is everything
 * the processed records wrote. Reads and writes of others (queries, the processor's own keys) go straight to
 * the store underneath, which is Kafka Streams' own (caching, changelogging, RocksDB).
 *
 * <p>The hook is Kafka Streams' internal {@code CachedStateStore.flushCache} (through {@link WrappedStateStore},
 * as its own store layers do), called by the task's state manager in {@code prepareCommit}; the version is
 * pinned, and the engine's tests fail if a held part does not reach the changelog before its records commit.
 */
final class WriteBackStore extends WrappedStateStore<KeyValueStore<String, byte[]>, String, byte[]>
        implements KeyValueStore<String, byte[]> {
    private PartCache parts;

    private WriteBackStore(KeyValueStore<String, byte[]> inner) {
        super(inner);
    }

    /** A new write-back cache for the task's processor, in place of any before it (a task started again). */
    PartCache newPartCache(int capacity) {
        parts = PartCache.writingBack(capacity, wrapped()::put);
        return parts;
    }

    /** The write-back store under the store a processor context hands out (it wraps it in a decorator). */
    static WriteBackStore under(StateStore store) {
        StateStore s = store;
        while (!(s instanceof WriteBackStore) && s instanceof WrappedStateStore<?, ?, ?> w) {
            s = w.wrapped();
        }
        if (s instanceof WriteBackStore found) {
            return found;
        }
        throw new IllegalStateException("the run-state store " + store.name() + " is not a write-back store");
    }

    @Override
    public void flushCache() {
        if (parts != null) {
            parts.writeBack();
        }
        super.flushCache();
    }

    @Override
    public void close() {
        parts = null;
        super.close();
    }

    @Override
    public void put(String key, byte[] value) {
        wrapped().put(key, value);
    }

    @Override
    public byte[] putIfAbsent(String key, byte[] value) {
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<String, byte[]>> entries) {
        wrapped().putAll(entries);
    }

    @Override
    public byte[] delete(String key) {
        return wrapped().delete(key);
    }

    @Override
    public byte[] get(String key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<String, byte[]> range(String from, String to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<String, byte[]> reverseRange(String from, String to) {
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<String, byte[]> all() {
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<String, byte[]> reverseAll() {
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<String, byte[]> prefixScan(P prefix, PS serializer) {
        return wrapped().prefixScan(prefix, serializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    /** Builds Kafka Streams' store as {@code inner} describes it, with this store on top. */
    static StoreBuilder<KeyValueStore<String, byte[]>> builder(StoreBuilder<KeyValueStore<String, byte[]>> inner) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<KeyValueStore<String, byte[]>> withCachingEnabled() {
                inner.withCachingEnabled();
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<String, byte[]>> withCachingDisabled() {
                inner.withCachingDisabled();
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<String, byte[]>> withLoggingEnabled(Map<String, String> config) {
                inner.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<String, byte[]>> withLoggingDisabled() {
                inner.withLoggingDisabled();
                return this;
            }

            @Override
            public KeyValueStore<String, byte[]> build() {
                return new WriteBackStore(inner.build());
            }

            @Override
            public Map<String, String> logConfig() {
                return inner.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return inner.loggingEnabled();
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }
}
