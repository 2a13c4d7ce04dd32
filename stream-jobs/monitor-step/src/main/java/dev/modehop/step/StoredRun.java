package dev.modehop.step;

import dev.modehop.core.ProbeResult;
import dev.modehop.core.RunExtras;
import dev.modehop.core.RunParts;
import dev.modehop.core.RunState;
import dev.modehop.core.SeriesEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's state laid out in an engine's {@link RunStore}: the header ({@link RunState}) under {@value #HEADER},
 * each series under {@code s/<series>}, each result under {@code r/<step, 19 digits>/<family/task>}, the extras
 * under {@value #EXTRAS}. A record reads and writes only the parts it concerns. Decoded parts are kept for one
 * call only, so nothing outlives the store content it mirrors (a revived task starts from the store).
 */
public final class StoredRun implements RunParts {
    static final String HEADER = "h";
    static final String EXTRAS = "x";
    static final String SERIES = "s/";
    static final String RESULTS = "r/";

    private final RunStore store;
    private final Map<String, SeriesEntry> series = new HashMap<>();
    private RunExtras extras;

    private StoredRun(RunStore store) {
        this.store = store;
    }

    /** The run's header with this layout attached, or null when nothing is stored for the run. */
    public static RunState load(RunStore store) {
        byte[] header = store.get(HEADER);
        return header == null ? null : PartCodec.decode(header, RunState.class).attach(new StoredRun(store));
    }

    public static RunState fresh(RunStore store, String runId) {
        return new RunState(runId).attach(new StoredRun(store));
    }

    public static void saveHeader(RunStore store, RunState run) {
        store.put(HEADER, PartCodec.encode(run));
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
        store.put(SERIES + entry.state.series, PartCodec.encode(entry));
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
        store.put(resultName(r.step(), r.taskKey()), PartCodec.encode(r));
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
    public RunExtras extras() {
        if (extras == null) {
            byte[] bytes = store.get(EXTRAS);
            extras = bytes == null ? new RunExtras() : PartCodec.decode(bytes, RunExtras.class);
        }
        return extras;
    }

    @Override
    public void saveExtras(RunExtras e) {
        extras = e;
        store.put(EXTRAS, PartCodec.encode(e));
    }

    private static String stepPrefix(long step) {
        return RESULTS + String.format(Locale.ROOT, "%019d", step) + "/";
    }

    private static String resultName(long step, String taskKey) {
        return stepPrefix(step) + taskKey;
    }
}
