package dev.modehop.step;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.modehop.core.CheckpointRanker;
import dev.modehop.core.PendingCheckpoint;
import dev.modehop.core.PredictorEvaluation;
import dev.modehop.core.ProcessedCheckpoint;
import dev.modehop.core.ProbeScore;
import dev.modehop.core.RunParts;
import dev.modehop.core.RunState;
import dev.modehop.core.SeriesEntry;
import dev.modehop.core.SourceStatistics;
import dev.modehop.core.DataWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A run's state laid out in an engine's {@link RunStore}: the header ({@link RunState}) under {@value #HEADER},
 * each series under {@code s/<series>} and its hops under {@code k/<series>}, each checkpoint in flight under
 * {@code p/<step, 19 digits>}, what is kept of each one processed under {@code d/<step, 19 digits>}, each result
 * under {@code r/<step, 19 digits>/<family/task>}, windows, source statistics, ranking and the predictor test
 * under {@code x/...}. A record reads and writes only the parts it concerns. Decoded parts outlive a call only in
 * the engine's {@link PartCache}: a checking one uses them only while they are exactly what the store holds; a
 * write-back one also holds back a part written again until the engine commits (see there).
 */
public final class StoredRun implements RunParts {
    static final String HEADER = "h";
    static final String SERIES = "s/";
    static final String HOPS = "k/";
    static final String WINDOWS = "x/windows";
    static final String SOURCES = "x/sources";
    static final String RANKING = "x/ranking";
    static final String PREDICTORS = "x/predictors";
    private static final TypeReference<List<RunState.HopRecord>> HOP_LIST = new TypeReference<>() {
    };
    private static final TypeReference<List<DataWindow>> WINDOW_LIST = new TypeReference<>() {
    };
    static final String RESULTS = "r/";
    static final String PENDING = "p/";
    static final String PROCESSED = "d/";

    private final RunStore store;
    private final PartCodec codec;
    private final PartCache cache;
    private final Map<String, SeriesEntry> series = new HashMap<>();
    /**
     * The cache's entries read in this call ({@link PartCache#forgetUnwritten}): the cache marks an entry when it
     * is read and unmarks it when it is written, so the call's end needs neither the keys nor a lookup by them.
     */
    private final List<Object> reads = new ArrayList<>();
    private long digitsOf;
    private String lastDigits;
    /**
     * The checkpoint in flight read or written last in this call: the monitor asks for the same one several times
     * a record (to file a result, to drain, for the next deadline), and each lookup built and hashed its key.
     */
    private PendingCheckpoint lastPending;

    private StoredRun(RunStore store, PartCodec codec) {
        this.store = store;
        this.codec = codec;
        this.cache = store.decoded();
    }

    /** The run's header with this layout attached, or null when nothing is stored for the run. */
    public static RunState load(RunStore store, PartCodec codec) {
        StoredRun parts = new StoredRun(store, codec);
        RunState run = parts.read(HEADER, b -> PartCodec.decode(b, RunState.class));
        if (run == null) {
            return null;
        }
        run.attach(parts);
        run.moveInlineWaiting();
        return run;
    }

    public static RunState fresh(RunStore store, PartCodec codec, String runId) {
        return new RunState(runId).attach(new StoredRun(store, codec));
    }

    public static void saveHeader(RunStore store, PartCodec codec, RunState run) {
        if (run.parts() instanceof StoredRun parts && parts.store == store) {
            parts.write(HEADER, run);
        } else {
            store.put(HEADER, codec.encode(run));
            if (store.decoded() != null) {
                store.decoded().forget(store.decodedKey(HEADER));
            }
        }
    }

    /**
     * Ends a call on the run: every cached part it read and did not write back is forgotten, so a part changed
     * in memory but not stored (or a call cut short by an exception) is decoded from the store next time.
     */
    public static void finish(RunState run) {
        if (run != null && run.parts() instanceof StoredRun parts && parts.cache != null) {
            parts.cache.forgetUnwritten(parts.reads);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> T read(String name, Function<byte[], T> decode) {
        if (cache != null && cache.writesBack()) {
            String key = store.decodedKey(name);
            Object kept = cache.kept(key, reads);
            if (kept == PartCache.ABSENT) {
                return null;
            }
            if (kept != null) {
                return (T) kept;
            }
            byte[] bytes = store.get(name);
            if (bytes == null) {
                cache.absent(key);
                return null;
            }
            T part = decode.apply(bytes);
            cache.decoded(key, bytes, part, reads);
            return part;
        }
        byte[] bytes = store.get(name);
        if (cache == null) {
            return bytes == null ? null : decode.apply(bytes);
        }
        return cache.read(store.decodedKey(name), bytes, decode, reads);
    }

    /** The names stored under {@code prefix} and, with a write-back cache, those held back and not stored yet. */
    private List<String> names(String prefix) {
        List<String> stored = store.names(prefix);
        if (cache == null || !cache.writesBack()) {
            return stored;
        }
        String run = store.decodedKey("");
        java.util.SortedSet<String> held = cache.unstoredUnder(run + prefix);
        if (held.isEmpty()) {
            return stored;
        }
        java.util.TreeSet<String> all = new java.util.TreeSet<>(stored);
        for (String key : held) {
            all.add(key.substring(run.length()));
        }
        return new ArrayList<>(all);
    }

    /** A part of one type, or a fresh one when the run has none stored yet. */
    private <T> T readOrNew(String name, Class<T> type, Supplier<T> fresh) {
        T part = read(name, b -> PartCodec.decode(b, type));
        return part == null ? fresh.get() : part;
    }

    private void write(String name, Object part) {
        if (cache != null && cache.writesBack()) {
            String key = store.decodedKey(name);
            if (!cache.holdBackKnown(key, part, codec)) {
                cache.holdBack(key, part, codec, store.get(name) != null);
            }
            return;
        }
        byte[] bytes = codec.encode(part);
        store.put(name, bytes);
        if (cache != null) {
            cache.wrote(store.decodedKey(name), bytes, part);
        }
    }

    private void delete(String name) {
        if (cache != null && cache.writesBack()) {
            if (!cache.dropped(store.decodedKey(name))) {
                store.delete(name);
            }
            return;
        }
        store.delete(name);
        if (cache != null) {
            cache.forget(store.decodedKey(name));
        }
    }

    @Override
    public SeriesEntry series(String name) {
        SeriesEntry e = series.get(name);
        if (e == null) {
            e = read(SERIES + name, b -> PartCodec.decode(b, SeriesEntry.class));
            if (e != null) {
                series.put(name, e);
            }
        }
        return e;
    }

    @Override
    public void saveSeries(SeriesEntry entry) {
        series.put(entry.state.series, entry);
        write(SERIES + entry.state.series, entry);
    }

    @Override
    public List<SeriesEntry> allSeries() {
        List<SeriesEntry> all = new ArrayList<>();
        for (String name : names(SERIES)) {
            SeriesEntry e = series(name.substring(SERIES.length()));
            if (e != null) {
                all.add(e);
            }
        }
        return all;
    }

    @Override
    public ProbeScore result(long step, String taskKey) {
        return read(resultName(step, taskKey), b -> PartCodec.decode(b, ProbeScore.class));
    }

    @Override
    public void saveResult(ProbeScore r) {
        write(resultName(r.step(), r.taskKey()), r);
    }

    @Override
    public List<ProbeScore> results(long step) {
        List<ProbeScore> out = new ArrayList<>();
        for (String name : names(stepPrefix(step))) {
            ProbeScore r = read(name, b -> PartCodec.decode(b, ProbeScore.class));
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void dropResults(long step) {
        for (String name : names(stepPrefix(step))) {
            delete(name);
        }
    }

    @Override
    public void dropResult(long step, String taskKey) {
        delete(resultName(step, taskKey));
    }

    @Override
    public PendingCheckpoint pending(long step) {
        if (lastPending != null && lastPending.step == step) {
            return lastPending;
        }
        PendingCheckpoint pc = read(pendingName(step), b -> PartCodec.decode(b, PendingCheckpoint.class));
        if (pc != null) {
            lastPending = pc;
        }
        return pc;
    }

    @Override
    public void savePending(PendingCheckpoint checkpoint) {
        write(pendingName(checkpoint.step), checkpoint);
        lastPending = checkpoint;
    }

    @Override
    public void dropPending(long step) {
        delete(pendingName(step));
        if (lastPending != null && lastPending.step == step) {
            lastPending = null;
        }
    }

    @Override
    public ProcessedCheckpoint processed(long step) {
        return read(processedName(step), b -> PartCodec.decode(b, ProcessedCheckpoint.class));
    }

    @Override
    public void saveProcessed(ProcessedCheckpoint checkpoint) {
        write(processedName(checkpoint.step), checkpoint);
    }

    @Override
    public void dropProcessed(long step) {
        delete(processedName(step));
    }

    /** {@code d/} and the step in 19 digits. */
    private String processedName(long step) {
        return PROCESSED + digits(step);
    }

    /** {@code p/} and the step in 19 digits. */
    private String pendingName(long step) {
        return PENDING + digits(step);
    }

    /** The step in 19 digits, zeros in front; the last one is kept (a call names one checkpoint's parts often). */
    private String digits(long step) {
        if (step != digitsOf || lastDigits == null) {
            lastDigits = zeroPadded(step, 19);
            digitsOf = step;
        }
        return lastDigits;
    }

    @Override
    public List<RunState.HopRecord> hops(String name) {
        List<RunState.HopRecord> hops = read(HOPS + name, b -> PartCodec.decode(b, HOP_LIST));
        return hops == null ? new ArrayList<>() : hops;
    }

    @Override
    public void saveHops(String name, List<RunState.HopRecord> hops) {
        write(HOPS + name, hops);
    }

    @Override
    public List<DataWindow> windows() {
        List<DataWindow> windows = read(WINDOWS, b -> PartCodec.decode(b, WINDOW_LIST));
        return windows == null ? new ArrayList<>() : windows;
    }

    @Override
    public void saveWindows(List<DataWindow> windows) {
        write(WINDOWS, windows);
    }

    @Override
    public SourceStatistics sources() {
        return readOrNew(SOURCES, SourceStatistics.class, SourceStatistics::new);
    }

    @Override
    public void saveSources(SourceStatistics sources) {
        write(SOURCES, sources);
    }

    @Override
    public CheckpointRanker.State ranking() {
        return readOrNew(RANKING, CheckpointRanker.State.class, CheckpointRanker.State::new);
    }

    @Override
    public void saveRanking(CheckpointRanker.State ranking) {
        write(RANKING, ranking);
    }

    @Override
    public PredictorEvaluation.State predictors() {
        return readOrNew(PREDICTORS, PredictorEvaluation.State.class, PredictorEvaluation.State::new);
    }

    @Override
    public void savePredictors(PredictorEvaluation.State predictors) {
        write(PREDICTORS, predictors);
    }

    /** {@code r/} and the step in 19 digits, so names sort by step (String.format was a tenth of a record's cost). */
    private String stepPrefix(long step) {
        return RESULTS + digits(step) + "/";
    }

    /** {@code value} (not negative) in {@code digits} decimal digits, zeros in front. */
    public static String zeroPadded(long value, int digits) {
        String plain = Long.toString(value);
        if (plain.length() >= digits) {
            return plain;
        }
        StringBuilder b = new StringBuilder(digits);
        for (int i = plain.length(); i < digits; i++) {
            b.append('0');
        }
        return b.append(plain).toString();
    }

    private String resultName(long step, String taskKey) {
        return stepPrefix(step) + taskKey;
    }
}
