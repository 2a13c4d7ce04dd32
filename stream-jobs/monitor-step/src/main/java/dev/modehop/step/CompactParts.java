package dev.modehop.step;

import dev.modehop.core.ChangePointDetector;
import dev.modehop.core.CheckpointRanker;
import dev.modehop.core.DataWindow;
import dev.modehop.core.Direction;
import dev.modehop.core.ExtraBinomialDispersion;
import dev.modehop.core.HopDetector;
import dev.modehop.core.Mode;
import dev.modehop.core.ModeReference;
import dev.modehop.core.Output;
import dev.modehop.core.PendingCheckpoint;
import dev.modehop.core.ProcessedCheckpoint;
import dev.modehop.core.ProbeScore;
import dev.modehop.core.RunState;
import dev.modehop.core.SeriesEntry;
import dev.modehop.core.SeriesState;
import dev.modehop.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The parts that nearly every record or checkpoint writes (a run's header, a checkpoint in flight, a result, what is
 * kept of a processed checkpoint; and at every commit each active series, its hops and the run's ranking) in a
 * layout of their own: a reflective encoder's fixed cost per call was most of what the small ones cost (a header is
 * written on every record), and its cost per value most of what the larger ones cost (the detectors keep lists of
 * doubles). The layout is a marker byte, a kind byte, a layout version, then the fields in a fixed order (integers
 * as variable-length zig-zag numbers, doubles as their 8 bytes, strings as length and UTF-8, enum constants by name,
 * sorted steps as differences). A field added later means a new version; a decoder reads every version it knows,
 * and the {@link PartCodec} reads Smile or JSON for anything else, so a store written before this layout still
 * reads. {@code CompactPartsTest} fails when a stored class gains a field its test part does not set, so a field
 * cannot be added without the layout noticing.
 */
final class CompactParts {
    /** First byte of a compact part: neither Smile's ':' nor any byte JSON text can start with. */
    static final byte MARKER = 0x01;
    private static final byte HEADER = 'h';
    private static final byte PENDING = 'p';
    private static final byte RESULT = 'r';
    private static final byte PROCESSED = 'd';
    private static final byte SERIES = 's';
    private static final byte HOPS = 'k';
    private static final byte RANKING = 'x';
    private static final byte VERSION = 1;

    private CompactParts() {
    }

    /**
     * Whether {@code part} may have a compact layout (a header with checkpoints inline, an old state, has not; nor
     * has a list of anything but hops). {@link #encode} still answers null for a part with a value the layout
     * cannot hold (a null in a list of numbers), which then takes the general encoding.
     */
    static boolean handles(Object part) {
        return part instanceof PendingCheckpoint || part instanceof ProbeScore || part instanceof ProcessedCheckpoint
                || part instanceof SeriesEntry
                || part instanceof CheckpointRanker.State ranking && ranking.published == null
                || part instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof RunState.HopRecord
                || part instanceof RunState run && run.waiting == null;
    }

    static boolean isCompact(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == MARKER;
    }

    /** The part's bytes, or null when it holds a value the layout has no place for (see {@link #handles}). */
    static byte[] encode(Object part) {
        Out out = new Out();
        out.b(MARKER);
        if (part instanceof RunState run) {
            out.b(HEADER).b(VERSION);
            header(out, run);
        } else if (part instanceof PendingCheckpoint pc) {
            out.b(PENDING).b(VERSION);
            pending(out, pc);
        } else if (part instanceof ProbeScore r) {
            out.b(RESULT).b(VERSION);
            result(out, r);
        } else if (part instanceof ProcessedCheckpoint done) {
            out.b(PROCESSED).b(VERSION);
            processed(out, done);
        } else if (part instanceof SeriesEntry entry) {
            out.b(SERIES).b(VERSION);
            if (!series(out, entry)) {
                return null;
            }
        } else if (part instanceof CheckpointRanker.State ranking) {
            out.b(RANKING).b(VERSION);
            if (!ranking(out, ranking)) {
                return null;
            }
        } else if (part instanceof List<?> hops) {
            out.b(HOPS).b(VERSION);
            if (!hops(out, hops)) {
                return null;
            }
        } else {
            throw new IllegalArgumentException("no compact layout for a " + part.getClass().getSimpleName());
        }
        return out.bytes();
    }

    static <T> T decode(byte[] bytes, Class<T> type) {
        In in = new In(bytes);
        in.b();
        byte kind = in.b();
        byte version = in.b();
        if (version != VERSION) {
            throw new IllegalArgumentException("compact part of layout version " + version + ", this build reads " + VERSION);
        }
        Object part = switch (kind) {
            case HEADER -> header(in);
            case PENDING -> pending(in);
            case RESULT -> result(in);
            case PROCESSED -> processed(in);
            case SERIES -> series(in);
            case HOPS -> hops(in);
            case RANKING -> ranking(in);
            default -> throw new IllegalArgumentException("unknown compact part kind " + kind);
        };
        if (!type.isInstance(part)) {
            throw new IllegalArgumentException("stored part is a " + part.getClass().getSimpleName() + ", not a "
                    + type.getSimpleName());
        }
        if (in.left() != 0) {
            throw new IllegalArgumentException(in.left() + " bytes after a compact " + type.getSimpleName());
        }
        return type.cast(part);
    }

    private static void header(Out out, RunState run) {
        out.str(run.runId).bool(run.announced).num(run.eventTime).num(run.lastInputAt).num(run.lastProcessedStep)
                .bool(run.gapPending).num(run.skippedCheckpoints).num(run.duplicatesIgnored).num(run.lateCheckpoints)
                .num(run.parkedCount).num(run.firstParkedAt).steps(run.waitingSteps).steps(run.processed)
                .num(run.skipped.size());
        for (PendingCheckpoint pc : run.skipped.values()) {
            pending(out, pc);
        }
        out.bool(run.hasParts);
    }

    private static RunState header(In in) {
        RunState run = new RunState(in.str());
        run.announced = in.bool();
        run.eventTime = in.num();
        run.lastInputAt = in.num();
        run.lastProcessedStep = in.num();
        run.gapPending = in.bool();
        run.skippedCheckpoints = in.num();
        run.duplicatesIgnored = in.num();
        run.lateCheckpoints = in.num();
        run.parkedCount = (int) in.num();
        run.firstParkedAt = in.num();
        run.waitingSteps = in.steps();
        run.processed = in.steps();
        long skipped = in.count();
        run.skipped = new TreeMap<>();
        for (long i = 0; i < skipped; i++) {
            PendingCheckpoint pc = pending(in);
            run.skipped.put(pc.step, pc);
        }
        run.hasParts = in.bool();
        return run;
    }

    private static void pending(Out out, PendingCheckpoint pc) {
        out.num(pc.step).bool(pc.announced).num(pc.firstSeenAt).num(pc.lastSignOfLife).num(pc.expectedResults)
                .num(pc.resultCount).bool(pc.skipped).bool(pc.publishedLate);
    }

    private static PendingCheckpoint pending(In in) {
        PendingCheckpoint pc = new PendingCheckpoint();
        pc.step = in.num();
        pc.announced = in.bool();
        pc.firstSeenAt = in.num();
        pc.lastSignOfLife = in.num();
        pc.expectedResults = (int) in.num();
        pc.resultCount = (int) in.num();
        pc.skipped = in.bool();
        pc.publishedLate = in.bool();
        return pc;
    }

    private static void processed(Out out, ProcessedCheckpoint done) {
        out.num(done.step).num(done.taskKeys.size());
        for (String key : done.taskKeys) {
            out.str(key);
        }
        out.num(done.softScores.size());
        for (java.util.Map.Entry<String, Double> e : done.softScores.entrySet()) {
            out.str(e.getKey()).dbl(e.getValue());
        }
    }

    private static ProcessedCheckpoint processed(In in) {
        ProcessedCheckpoint done = new ProcessedCheckpoint();
        done.step = in.num();
        for (long i = in.count(); i > 0; i--) {
            done.taskKeys.add(in.str());
        }
        for (long i = in.count(); i > 0; i--) {
            done.softScores.put(in.str(), in.dbl());
        }
        return done;
    }

    private static void result(Out out, ProbeScore r) {
        out.str(r.runId()).num(r.step()).str(r.suite()).str(r.family()).str(r.task()).num(r.seedCount())
                .bool(r.items() != null);
        if (r.items() != null) {
            out.num(r.items());
        }
        out.dbl(r.hardAccuracy()).dbl(r.softScore()).bool(r.stderr() != null);
        if (r.stderr() != null) {
            out.dbl(r.stderr());
        }
        out.num(r.taskCount()).num(r.producedAt()).bytesOrNull(r.received());
    }

    private static ProbeScore result(In in) {
        String runId = in.str();
        long step = in.num();
        String suite = in.str();
        String family = in.str();
        String task = in.str();
        int seedCount = (int) in.num();
        Integer items = in.bool() ? (int) in.num() : null;
        double hard = in.dbl();
        double soft = in.dbl();
        Double stderr = in.bool() ? in.dbl() : null;
        int taskCount = (int) in.num();
        long producedAt = in.num();
        byte[] received = in.bytesOrNull();
        return new ProbeScore(runId, step, suite, family, task, seedCount, items, hard, soft, stderr, taskCount,
                producedAt, received);
    }

    // ---- a series: the detectors' state and the latest observation ----

    /** False when a list of numbers holds a null (nothing the detectors write; the general encoding keeps it). */
    private static boolean series(Out out, SeriesEntry entry) {
        SeriesState s = entry.state;
        out.bool(s != null);
        if (s != null) {
            out.str(s.runId).str(s.series).bool(s.plain).name(s.confirmed).num(s.anchorStep).dbl(s.anchorValue)
                    .num(s.anchorItems).num(s.lastStep).num(s.observations);
            ChangePointDetector.State c = s.changePoint;
            out.bool(c != null);
            if (c != null) {
                if (!out.doubles(c.history) || !out.doubles(c.regime)) {
                    return false;
                }
                out.num(c.errors == null ? -1 : c.errors.size());
                if (c.errors != null) {
                    for (List<Double> errors : c.errors) {
                        if (!out.doubles(errors)) {
                            return false;
                        }
                    }
                }
                out.dbl(c.suspectValue).num(c.suspectStep).num(c.suspectPrevStep).dbl(c.suspectPrediction)
                        .dbl(c.suspectZ).dbl(c.suspectScale).dbl(c.changeFrom).dbl(c.changeTo).num(c.sinceChange)
                        .dbl(c.outlierRate);
            }
            out.num(s.pending == null ? -1 : s.pending.size());
            if (s.pending != null) {
                for (SeriesState.PendingHop p : s.pending) {
                    if (p == null) {
                        return false;
                    }
                    out.str(p.hopId).num(p.step).name(p.to).dbl(p.oldLevel).dbl(p.newLevel).num(p.observed)
                            .dbl(p.sumAfter);
                }
            }
            ExtraBinomialDispersion.State d = s.dispersion;
            out.bool(d != null);
            if (d != null) {
                if (!out.doubles(d.differences) || !out.doubles(d.binomialVariances)) {
                    return false;
                }
                out.dbl(d.lastValue).dbl(d.lastBinomialVariance);
            }
            ModeReference.State r = s.reference;
            out.bool(r != null);
            if (r != null) {
                if (!out.doubles(r.values) || !out.ints(r.items)) {
                    return false;
                }
            }
            HopDetector.Suspect u = s.suspect;
            out.bool(u != null);
            if (u != null) {
                out.num(u.step).num(u.prevStep).num(u.anchorStep).dbl(u.value).num(u.items).name(u.mode)
                        .dbl(u.before).dbl(u.z);
            }
        }
        Output.ModeObservation m = entry.latest;
        out.bool(m != null);
        if (m != null) {
            out.str(m.id()).str(m.runId()).str(m.series()).num(m.step()).name(m.mode()).name(m.confirmedMode())
                    .dbl(m.hardAccuracy()).dbl(m.softScore()).bool(m.items() != null);
            if (m.items() != null) {
                out.num(m.items());
            }
            out.bool(m.gapBefore());
        }
        return true;
    }

    private static SeriesEntry series(In in) {
        SeriesEntry entry = new SeriesEntry();
        if (in.bool()) {
            SeriesState s = new SeriesState();
            s.runId = in.str();
            s.series = in.str();
            s.plain = in.bool();
            s.confirmed = in.name(Mode.class);
            s.anchorStep = in.num();
            s.anchorValue = in.dbl();
            s.anchorItems = (int) in.num();
            s.lastStep = in.num();
            s.observations = (int) in.num();
            s.changePoint = null;
            if (in.bool()) {
                ChangePointDetector.State c = new ChangePointDetector.State();
                c.history = in.doubles();
                c.regime = in.doubles();
                long errors = in.countOrNone();
                c.errors = errors < 0 ? null : new ArrayList<>();
                for (long i = 0; i < errors; i++) {
                    c.errors.add(in.doubles());
                }
                c.suspectValue = in.dbl();
                c.suspectStep = in.num();
                c.suspectPrevStep = in.num();
                c.suspectPrediction = in.dbl();
                c.suspectZ = in.dbl();
                c.suspectScale = in.dbl();
                c.changeFrom = in.dbl();
                c.changeTo = in.dbl();
                c.sinceChange = (int) in.num();
                c.outlierRate = in.dbl();
                s.changePoint = c;
            }
            long pending = in.countOrNone();
            s.pending = pending < 0 ? null : new ArrayList<>();
            for (long i = 0; i < pending; i++) {
                SeriesState.PendingHop p = new SeriesState.PendingHop();
                p.hopId = in.str();
                p.step = in.num();
                p.to = in.name(Mode.class);
                p.oldLevel = in.dbl();
                p.newLevel = in.dbl();
                p.observed = (int) in.num();
                p.sumAfter = in.dbl();
                s.pending.add(p);
            }
            s.dispersion = null;
            if (in.bool()) {
                ExtraBinomialDispersion.State d = new ExtraBinomialDispersion.State();
                d.differences = in.doubles();
                d.binomialVariances = in.doubles();
                d.lastValue = in.dbl();
                d.lastBinomialVariance = in.dbl();
                s.dispersion = d;
            }
            s.reference = null;
            if (in.bool()) {
                ModeReference.State r = new ModeReference.State();
                r.values = in.doubles();
                r.items = in.ints();
                s.reference = r;
            }
            if (in.bool()) {
                HopDetector.Suspect u = new HopDetector.Suspect();
                u.step = in.num();
                u.prevStep = in.num();
                u.anchorStep = in.num();
                u.value = in.dbl();
                u.items = (int) in.num();
                u.mode = in.name(Mode.class);
                u.before = in.dbl();
                u.z = in.dbl();
                s.suspect = u;
            }
            entry.state = s;
        }
        if (in.bool()) {
            String id = in.str();
            String runId = in.str();
            String series = in.str();
            long step = in.num();
            Mode mode = in.name(Mode.class);
            Mode confirmed = in.name(Mode.class);
            double hard = in.dbl();
            double soft = in.dbl();
            Integer items = in.bool() ? (int) in.num() : null;
            entry.latest = new Output.ModeObservation(id, runId, series, step, mode, confirmed, hard, soft, items,
                    in.bool());
        }
        return entry;
    }

    // ---- a series' recent hops ----

    /** A series' hops share their run and series: each is written once, then as "the same as before". */
    private static boolean hops(Out out, List<?> hops) {
        out.num(hops.size());
        String runId = null;
        String series = null;
        for (Object o : hops) {
            if (!(o instanceof RunState.HopRecord h)) {
                return false;
            }
            out.name(h.verdict).num(h.decidedAtStep).bool(h.hop != null);
            if (h.hop != null) {
                Output.ModeHop hop = h.hop;
                out.str(hop.id()).strOrSame(hop.runId(), runId).strOrSame(hop.series(), series).num(hop.step())
                        .num(hop.prevStep())
                        .num(hop.anchorStep()).name(hop.direction()).name(hop.from()).name(hop.to()).dbl(hop.before())
                        .dbl(hop.after()).dbl(hop.zScore()).num(hop.windows() == null ? -1 : hop.windows().size());
                runId = hop.runId();
                series = hop.series();
                if (hop.windows() != null) {
                    for (DataWindow w : hop.windows()) {
                        if (w == null || !window(out, w)) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    private static List<RunState.HopRecord> hops(In in) {
        long count = in.count();
        List<RunState.HopRecord> hops = new ArrayList<>();
        String lastRunId = null;
        String lastSeries = null;
        for (long i = 0; i < count; i++) {
            RunState.HopRecord h = new RunState.HopRecord();
            h.verdict = in.name(Verdict.class);
            h.decidedAtStep = in.num();
            if (in.bool()) {
                String id = in.str();
                String runId = in.strOrSame(lastRunId);
                String series = in.strOrSame(lastSeries);
                lastRunId = runId;
                lastSeries = series;
                long step = in.num();
                long prevStep = in.num();
                long anchorStep = in.num();
                Direction direction = in.name(Direction.class);
                Mode from = in.name(Mode.class);
                Mode to = in.name(Mode.class);
                double before = in.dbl();
                double after = in.dbl();
                double z = in.dbl();
                long windows = in.countOrNone();
                List<DataWindow> ws = windows < 0 ? null : new ArrayList<>();
                for (long w = 0; w < windows; w++) {
                    ws.add(window(in));
                }
                h.hop = new Output.ModeHop(id, runId, series, step, prevStep, anchorStep, direction, from, to, before,
                        after, z, ws);
            }
            hops.add(h);
        }
        return hops;
    }

    private static boolean window(Out out, DataWindow w) {
        out.str(w.runId()).str(w.windowId()).num(w.startStep()).num(w.endStep()).num(w.tokens())
                .num(w.mixture().size());
        for (Map.Entry<String, Double> e : w.mixture().entrySet()) {
            if (e.getValue() == null) {
                return false;
            }
            out.str(e.getKey()).dbl(e.getValue());
        }
        return true;
    }

    private static DataWindow window(In in) {
        String runId = in.str();
        String windowId = in.str();
        long start = in.num();
        long end = in.num();
        long tokens = in.num();
        Map<String, Double> mixture = new TreeMap<>();
        for (long i = in.count(); i > 0; i--) {
            mixture.put(in.str(), in.dbl());
        }
        return new DataWindow(runId, windowId, start, end, tokens, mixture);
    }

    // ---- a run's ranking: its leading checkpoints with their families' soft scores and weights ----

    /** The families' names once, in the order first met, then every entry's maps by index into them. */
    private static boolean ranking(Out out, CheckpointRanker.State state) {
        if (state.entries == null) {
            return false;
        }
        out.num(state.bestStep).dbl(state.bestScore).bool(state.publishedFingerprint != null);
        if (state.publishedFingerprint != null) {
            out.fixed(state.publishedFingerprint);
        }
        Map<String, Integer> index = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (CheckpointRanker.Entry e : state.entries) {
            if (e == null || e.soft == null || e.weight == null) {
                return false;
            }
            for (Map<String, Double> m : List.of(e.soft, e.weight)) {
                for (String family : m.keySet()) {
                    if (index.putIfAbsent(family, names.size()) == null) {
                        names.add(family);
                    }
                }
            }
        }
        out.num(names.size());
        for (String family : names) {
            out.str(family);
        }
        out.num(state.entries.size());
        for (CheckpointRanker.Entry e : state.entries) {
            out.num(e.step).dbl(e.score);
            if (!families(out, e.soft, index) || !families(out, e.weight, index)) {
                return false;
            }
        }
        return true;
    }

    private static boolean families(Out out, Map<String, Double> values, Map<String, Integer> index) {
        out.num(values.size());
        for (Map.Entry<String, Double> v : values.entrySet()) {
            if (v.getValue() == null) {
                return false;
            }
            out.num(index.get(v.getKey())).dbl(v.getValue());
        }
        return true;
    }

    private static CheckpointRanker.State ranking(In in) {
        CheckpointRanker.State state = new CheckpointRanker.State();
        state.bestStep = in.num();
        state.bestScore = in.dbl();
        state.publishedFingerprint = in.bool() ? in.fixed() : null;
        String[] names = new String[(int) in.count()];
        for (int i = 0; i < names.length; i++) {
            names[i] = in.str();
        }
        for (long i = in.count(); i > 0; i--) {
            CheckpointRanker.Entry e = new CheckpointRanker.Entry();
            e.step = in.num();
            e.score = in.dbl();
            families(in, e.soft, names);
            families(in, e.weight, names);
            state.entries.add(e);
        }
        return state;
    }

    private static void families(In in, Map<String, Double> into, String[] names) {
        for (long i = in.count(); i > 0; i--) {
            long at = in.num();
            if (at < 0 || at >= names.length) {
                throw new IllegalArgumentException("family " + at + " of " + names.length);
            }
            into.put(names[(int) at], in.dbl());
        }
    }

    /** A growing byte array. */
    private static final class Out {
        private byte[] buf = new byte[128];
        private int n;

        private void room(int more) {
            if (n + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
            }
        }

        Out b(byte v) {
            room(1);
            buf[n++] = v;
            return this;
        }

        Out bool(boolean v) {
            return b((byte) (v ? 1 : 0));
        }

        /** Zig-zag, then 7 bits a byte, low bits first. */
        Out num(long v) {
            long z = (v << 1) ^ (v >> 63);
            room(10);
            while ((z & ~0x7FL) != 0) {
                buf[n++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            buf[n++] = (byte) z;
            return this;
        }

        Out dbl(double v) {
            return fixed(Double.doubleToRawLongBits(v));
        }

        /** All 8 bytes, low first (a double's bits, or a value spread over the whole range: a hash). */
        Out fixed(long bits) {
            room(8);
            for (int i = 0; i < 8; i++) {
                buf[n++] = (byte) (bits >>> (8 * i));
            }
            return this;
        }

        /** -1 for null, else the UTF-8 length and bytes. */
        Out str(String s) {
            return bytesOrNull(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        /** -2 when {@code s} equals {@code previous} (both not null), else as {@link #str}. */
        Out strOrSame(String s, String previous) {
            return s != null && s.equals(previous) ? num(-2) : str(s);
        }

        Out bytesOrNull(byte[] bytes) {
            if (bytes == null) {
                return num(-1);
            }
            num(bytes.length);
            room(bytes.length);
            System.arraycopy(bytes, 0, buf, n, bytes.length);
            n += bytes.length;
            return this;
        }

        /** An enum constant by name (null stays null), so constants added or reordered later do not misread. */
        Out name(Enum<?> v) {
            return str(v == null ? null : v.name());
        }

        /** -1 for a null list, else the count and each value; false (nothing usable written) for a null value. */
        boolean doubles(List<Double> values) {
            if (values == null) {
                num(-1);
                return true;
            }
            num(values.size());
            room(8 * values.size());
            for (Double v : values) {
                if (v == null) {
                    return false;
                }
                dbl(v);
            }
            return true;
        }

        boolean ints(List<Integer> values) {
            if (values == null) {
                num(-1);
                return true;
            }
            num(values.size());
            for (Integer v : values) {
                if (v == null) {
                    return false;
                }
                num(v);
            }
            return true;
        }

        /** Ascending steps: the count, the first, then each difference. */
        Out steps(TreeSet<Long> steps) {
            num(steps.size());
            long previous = 0;
            for (long s : steps) {
                num(s - previous);
                previous = s;
            }
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, n);
        }
    }

    /** Reads what {@link Out} wrote; a truncated or malformed part fails, never reads past its end. */
    private static final class In {
        private final byte[] buf;
        private int at;

        In(byte[] buf) {
            this.buf = buf;
        }

        int left() {
            return buf.length - at;
        }

        byte b() {
            if (at >= buf.length) {
                throw new IllegalArgumentException("compact part ends early at byte " + at);
            }
            return buf[at++];
        }

        boolean bool() {
            byte v = b();
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException("not a boolean at byte " + (at - 1) + ": " + v);
            }
            return v == 1;
        }

        long num() {
            long z = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte v = b();
                z |= (long) (v & 0x7F) << shift;
                if (v >= 0) {
                    return (z >>> 1) ^ -(z & 1);
                }
            }
            throw new IllegalArgumentException("number longer than 10 bytes at byte " + at);
        }

        /** A count that must fit in what is left. */
        long count() {
            long c = num();
            if (c < 0 || c > left()) {
                throw new IllegalArgumentException("count " + c + " at byte " + at + " with " + left() + " bytes left");
            }
            return c;
        }

        double dbl() {
            return Double.longBitsToDouble(fixed());
        }

        String str() {
            byte[] bytes = bytesOrNull();
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }

        long fixed() {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits |= (b() & 0xFFL) << (8 * i);
            }
            return bits;
        }

        /** What {@link Out#strOrSame} wrote; "the same" with nothing before fails. */
        String strOrSame(String previous) {
            int start = at;
            if (num() == -2) {
                if (previous == null) {
                    throw new IllegalArgumentException("a repeated string at byte " + start + " with none before");
                }
                return previous;
            }
            at = start;
            return str();
        }

        byte[] bytesOrNull() {
            long length = num();
            if (length == -1) {
                return null;
            }
            if (length < 0 || length > left()) {
                throw new IllegalArgumentException("length " + length + " at byte " + at + " with " + left() + " bytes left");
            }
            byte[] out = Arrays.copyOfRange(buf, at, at + (int) length);
            at += (int) length;
            return out;
        }

        /** A count, or -1 for none (a null list). */
        long countOrNone() {
            long c = num();
            if (c < -1 || c > left()) {
                throw new IllegalArgumentException("count " + c + " at byte " + at + " with " + left() + " bytes left");
            }
            return c;
        }

        <E extends Enum<E>> E name(Class<E> type) {
            String name = str();
            if (name == null) {
                return null;
            }
            try {
                return Enum.valueOf(type, name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("no " + type.getSimpleName() + " named '" + name + "'");
            }
        }

        List<Double> doubles() {
            long count = countOrNone();
            if (count < 0) {
                return null;
            }
            List<Double> values = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) {
                values.add(dbl());
            }
            return values;
        }

        List<Integer> ints() {
            long count = countOrNone();
            if (count < 0) {
                return null;
            }
            List<Integer> values = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) {
                values.add((int) num());
            }
            return values;
        }

        TreeSet<Long> steps() {
            long count = count();
            TreeSet<Long> steps = new TreeSet<>();
            long s = 0;
            for (long i = 0; i < count; i++) {
                s += num();
                steps.add(s);
            }
            return steps;
        }
    }
}
