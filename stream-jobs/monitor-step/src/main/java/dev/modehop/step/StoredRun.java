package dev.modehop.step;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.modehop.core.CheckpointRanker;
import dev.modehop.core.ProbeResult;
import dev.modehop.core.RunParts;
import dev.modehop.core.RunState;
import dev.modehop.core.SeriesEntry;
import dev.modehop.core.SourceStatistics;
import dev.modehop.core.TrainingWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's state laid out in an engine's {@link RunStore}: the header ({@link RunState}) under {@value #HEADER},
 * each series under {@code s/<series>} and its hops under {@code k/<series>}, each result under
 * {@code r/<step, 19 digits>/<family/task>}, windows, source statistics and ranking under {@code x/...}. A
 * record reads and writes only the parts it concerns. Decoded parts are kept for one
 * call only, so nothing outlives the store content it mirrors (a revived task starts from the store).
 */
public final class StoredRun implements RunParts {
    static final String HEADER = "h";
    static final String SERIES = "s/";
    static final String HOPS = "k/";
    static final String WINDOWS = "x/windows";
    static final String SOURCES = "x/sources";
    static final String RANKING = "x/ranking";
    private static final TypeReference<List<RunState.HopRecord>> HOP_LIST = new TypeReference<>() {
    };
    private static final TypeReference<List<TrainingWindow>> WINDOW_LIST = new TypeReference<>() {
    };
    static final String RESULTS = "r/";

    private final RunStore store;
    private final PartCodec codec;
    private final Map<String, SeriesEntry> series = new HashMap<>();

    private StoredRun(RunStore store, PartCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** The run's header with this layout attached, or null when nothing is stored for the run. */
    public static RunState load(RunStore store, PartCodec codec) {
        byte[] header = store.get(HEADER);
        return header == null ? null : PartCodec.decode(header, RunState.class).attach(new StoredRun(store, codec));
    }

    public static RunState fresh(RunStore store, PartCodec codec, String runId) {
        return new RunState(runId).attach(new StoredRun(store, codec));
    }

    public static void saveHeader(RunStore store, PartCodec codec, RunState run) {
        store.put(HEADER, codec.encode(run));
    }

    @Override
    public SeriesEntry series(String name) {
        SeriesEntry e = series.get(name);
        if (e == null) {
            byte[] bytes = store.get(SERIES + name);
            if (bytes != null) {
                e = PartCodec.decode(bytes, SeriesEntry.class);
                series.put(name, e);
            }
        }
        return e;
    }

    @Override
    public void saveSeries(SeriesEntry entry) {
        series.put(entry.state.series, entry);
        store.put(SERIES + entry.state.series, codec.encode(entry));
    }

    @Override
    public List<SeriesEntry> allSeries() {
        List<SeriesEntry> all = new ArrayList<>();
        for (String name : store.names(SERIES)) {
            SeriesEntry e = series(name.substring(SERIES.length()));
            if (e != null) {
                all.add(e);
            }
        }
        return all;
    }

    @Override
    public ProbeResult result(long step, String taskKey) {
        byte[] bytes = store.get(resultName(step, taskKey));
        return bytes == null ? null : PartCodec.decode(bytes, ProbeResult.class);
    }

    @Override
    public void saveResult(ProbeResult r) {
        store.put(resultName(r.step(), r.taskKey()), codec.encode(r));
    }

    @Override
    public List<ProbeResult> results(long step) {
        List<ProbeResult> out = new ArrayList<>();
        for (String name : store.names(stepPrefix(step))) {
            byte[] bytes = store.get(name);
            if (bytes != null) {
                out.add(PartCodec.decode(bytes, ProbeResult.class));
            }
        }
        return out;
    }

    @Override
    public void dropResults(long step) {
        for (String name : store.names(stepPrefix(step))) {
            store.delete(name);
        }
    }

    @Override
    public List<RunState.HopRecord> hops(String name) {
        byte[] bytes = store.get(HOPS + name);
        return bytes == null ? new ArrayList<>() : PartCodec.decode(bytes, HOP_LIST);
    }

    @Override
    public void saveHops(String name, List<RunState.HopRecord> hops) {
        store.put(HOPS + name, codec.encode(hops));
    }

    @Override
    public List<TrainingWindow> windows() {
        byte[] bytes = store.get(WINDOWS);
        return bytes == null ? new ArrayList<>() : PartCodec.decode(bytes, WINDOW_LIST);
    }

    @Override
    public void saveWindows(List<TrainingWindow> windows) {
        store.put(WINDOWS, codec.encode(windows));
    }

    @Override
    public SourceStatistics sources() {
        byte[] bytes = store.get(SOURCES);
        return bytes == null ? new SourceStatistics() : PartCodec.decode(bytes, SourceStatistics.class);
    }

    @Override
    public void saveSources(SourceStatistics sources) {
        store.put(SOURCES, codec.encode(sources));
    }

    @Override
    public CheckpointRanker.State ranking() {
        byte[] bytes = store.get(RANKING);
        return bytes == null ? new CheckpointRanker.State() : PartCodec.decode(bytes, CheckpointRanker.State.class);
    }

    @Override
    public void saveRanking(CheckpointRanker.State ranking) {
        store.put(RANKING, codec.encode(ranking));
    }

    private static String stepPrefix(long step) {
        return RESULTS + String.format(Locale.ROOT, "%019d", step) + "/";
    }

    private static String resultName(long step, String taskKey) {
        return stepPrefix(step) + taskKey;
    }
}
