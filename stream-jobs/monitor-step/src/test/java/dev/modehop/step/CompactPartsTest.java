package dev.modehop.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.modehop.core.SeriesEntry;
import dev.modehop.core.SeriesState;
import dev.modehop.core.Verdict;
import dev.modehop.core.ProcessedCheckpoint;
import dev.modehop.core.ProbeScore;
import dev.modehop.core.RunState;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CompactPartsTest {

    /** Every stored field away from its default, so a field the layout forgot shows as a difference. */
    private static PendingCheckpoint pending(long step) {
        PendingCheckpoint pc = new PendingCheckpoint(step, 1_700_000_000_123L);
        pc.announced = true;
        pc.lastSignOfLife = 1_700_000_004_000L;
        pc.expectedResults = 22;
        pc.resultCount = 21;
        pc.skipped = true;
        pc.publishedLate = true;
        return pc;
    }

    private static RunState header() {
        RunState run = new RunState("olmo-3/7b\u00e9/seed-1");
        run.announced = true;
        run.eventTime = 1_700_000_009_999L;
        run.lastInputAt = 1_700_000_009_000L;
        run.lastProcessedStep = Long.MAX_VALUE - 3;
        run.gapPending = true;
        run.skippedCheckpoints = 7;
        run.duplicatesIgnored = 300_000;
        run.lateCheckpoints = 2;
        run.parkedCount = 5;
        run.firstParkedAt = 1_699_999_999_000L;
        run.waitingSteps = new TreeSet<>(List.of(1000L, 2000L, 3000L, 123_456_789L));
        run.processed = new TreeSet<>(List.of(0L, 50L, 100L));
        run.skipped = new TreeMap<>();
        run.skipped.put(50L, pending(50));
        run.skipped.put(100L, pending(100));
        run.hasParts = true;
        return run;
    }

    private static JsonNode tree(Object o) {
        return PartCodec.jsonMapper().valueToTree(o);
    }

    @Test
    void theTestHeaderSetsEveryStoredField() throws Exception {
        RunState fresh = new RunState();
        RunState full = header();
        for (Class<?> type : List.of(RunState.class, PendingCheckpoint.class)) {
            Object a = type == RunState.class ? fresh : new PendingCheckpoint();
            Object b = type == RunState.class ? full : pending(9);
            for (Field f : type.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.getName().equals("waiting")) {
                    continue;
                }
                f.setAccessible(true);
                assertNotEquals(String.valueOf(f.get(a)), String.valueOf(f.get(b)),
                        type.getSimpleName() + "." + f.getName() + " is at its default: a layout that dropped it "
                                + "would pass");
            }
        }
    }

    @Test
    void aHeaderACheckpointAndAResultComeBackWithEveryField() {
        RunState run = header();
        byte[] bytes = PartCodec.binary().encode(run);
        assertEquals(CompactParts.MARKER, bytes[0]);
        assertEquals(tree(run), tree(PartCodec.decode(bytes, RunState.class)));

        PendingCheckpoint pc = pending(Long.MAX_VALUE);
        assertEquals(tree(pc), tree(PartCodec.decode(PartCodec.binary().encode(pc), PendingCheckpoint.class)));

        ProbeScore full = new ProbeScore("r", 1200, "gdsuite", "persona", "keeper", 4, 300, 0.25, -0.75, 0.01,
                22, 1_700_000_000_000L, new byte[] {0, 1, 2, (byte) 255});
        ProbeScore back = PartCodec.decode(PartCodec.binary().encode(full), ProbeScore.class);
        assertEquals(tree(full), tree(back));
        assertArrayEquals(full.received(), back.received());

        ProbeScore sparse = new ProbeScore("r", 0, null, "loss", "loss", 0, null, Double.NEGATIVE_INFINITY,
                Double.NaN, null, 1, -5, null);
        ProbeScore sparseBack = PartCodec.decode(PartCodec.binary().encode(sparse), ProbeScore.class);
        assertEquals(sparse.withoutReceived(), sparseBack.withoutReceived(), "nulls stay null, NaN stays NaN");
    }

    @Test
    void whatIsKeptOfAProcessedCheckpointComesBackWithEveryField() {
        ProcessedCheckpoint done = new ProcessedCheckpoint(1200, List.of("persona/keeper", "loss/loss", "\u00e9/t"),
                Map.of("persona", 0.25, "nan", Double.NaN, "negative", -0.75));
        byte[] bytes = PartCodec.binary().encode(done);
        assertEquals(CompactParts.MARKER, bytes[0]);
        ProcessedCheckpoint back = PartCodec.decode(bytes, ProcessedCheckpoint.class);
        assertEquals(done.step, back.step);
        assertEquals(done.taskKeys, back.taskKeys);
        assertEquals(done.softScores, back.softScores);
        ProcessedCheckpoint empty = PartCodec.decode(PartCodec.binary().encode(new ProcessedCheckpoint()),
                ProcessedCheckpoint.class);
        assertEquals(0, empty.taskKeys.size() + empty.softScores.size());
        ProcessedCheckpoint fromSmile = PartCodec.decode(smileOf(done), ProcessedCheckpoint.class);
        assertEquals(done.taskKeys, fromSmile.taskKeys, "one stored in the general encoding still reads");
        assertTrue(bytes.length < smileOf(done).length, bytes.length + " bytes compact, " + smileOf(done).length);
    }

    @Test
    void theCompactHeaderIsSmallerThanSmile() {
        RunState run = header();
        byte[] compact = PartCodec.binary().encode(run);
        byte[] smile = smileOf(run);
        assertTrue(compact.length * 2 < smile.length, compact.length + " bytes compact, " + smile.length + " Smile");
    }

    /** The part as the general encoding (Smile) writes it: how stores held it before the compact layout. */
    private static byte[] smileOf(Object part) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.smile.SmileFactory())
                    .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.ALL,
                            com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE)
                    .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.FIELD,
                            com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.ANY)
                    .writeValueAsBytes(part);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void partsStoredAsSmileOrJsonBeforeThisLayoutStillRead() {
        RunState run = header();
        PendingCheckpoint pc = pending(77);
        for (byte[] old : List.of(smileOf(run), PartCodec.json().encode(run))) {
            assertNotEquals(CompactParts.MARKER, old[0]);
            assertEquals(tree(run), tree(PartCodec.decode(old, RunState.class)));
        }
        assertEquals(tree(pc), tree(PartCodec.decode(smileOf(pc), PendingCheckpoint.class)));
    }

    @Test
    void aHeaderWithItsCheckpointsInlineKeepsTheGeneralEncoding() {
        RunState old = header();
        old.waiting = new TreeMap<>();
        old.waiting.put(5L, pending(5));
        assertFalse(CompactParts.handles(old));
        byte[] bytes = PartCodec.binary().encode(old);
        assertNotEquals(CompactParts.MARKER, bytes[0]);
        assertEquals(1, PartCodec.decode(bytes, RunState.class).waiting.size());
    }

    @Test
    void aCutOrWrongPartFailsInsteadOfReadingGarbage() {
        byte[] bytes = PartCodec.binary().encode(header());
        for (int cut = 3; cut < bytes.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(bytes, cut);
            assertThrows(UncheckedIOException.class, () -> PartCodec.decode(part, RunState.class), "cut at " + cut);
        }
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(UncheckedIOException.class, () -> PartCodec.decode(longer, RunState.class), "a byte left over");
        byte[] pc = PartCodec.binary().encode(pending(1));
        assertThrows(UncheckedIOException.class, () -> PartCodec.decode(pc, RunState.class), "another kind");
        byte[] future = bytes.clone();
        future[2] = 9;
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> PartCodec.decode(future, RunState.class));
        assertTrue(e.getCause().getMessage().contains("version 9"), e.getCause().getMessage());
    }

    // ---- series and hops ----

    private static List<Double> doubles(double... values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /** A series with every stored field of its state (and of what it holds) away from its default. */
    private static SeriesEntry series() {
        SeriesState s = new SeriesState("olmo-3/7b\u00e9", "gdsuite/persona", true);
        s.confirmed = Mode.PARROT;
        s.anchorStep = 1200;
        s.anchorValue = 0.25;
        s.anchorItems = 300;
        s.lastStep = Long.MAX_VALUE - 1;
        s.observations = 44;
        ChangePointDetector.State c = s.changePoint;
        c.history = doubles(0.1, Double.NaN, -0.0, Double.POSITIVE_INFINITY);
        c.regime = doubles(0.5);
        c.errors = List.of(doubles(0.01, 0.02), doubles(), doubles(-3), doubles(1e-300));
        c.suspectValue = 0.75;
        c.suspectStep = 1300;
        c.suspectPrevStep = 1250;
        c.suspectPrediction = 0.3;
        c.suspectZ = 4.5;
        c.suspectScale = 0.05;
        c.changeFrom = 0.2;
        c.changeTo = 0.8;
        c.sinceChange = 3;
        c.outlierRate = 0.125;
        SeriesState.PendingHop p = new SeriesState.PendingHop("run/persona/1300/hop", 1300, Mode.GENERALIZING, 0.2, 0.8);
        p.observed = 2;
        p.sumAfter = 1.5;
        s.pending = new ArrayList<>(List.of(p, new SeriesState.PendingHop("second", 1400, null, 0.8, 0.1)));
        s.dispersion.differences = doubles(0.01, -0.02);
        s.dispersion.binomialVariances = doubles(0.0006);
        s.dispersion.lastValue = 0.7;
        s.dispersion.lastBinomialVariance = 0.0007;
        s.reference.values = doubles(0.9, 0.95);
        s.reference.items = new ArrayList<>(List.of(300, 0, -1));
        HopDetector.Suspect u = new HopDetector.Suspect();
        u.step = 1500;
        u.prevStep = 1450;
        u.anchorStep = 1400;
        u.value = 0.05;
        u.items = 300;
        u.mode = Mode.PARROT;
        u.before = 0.9;
        u.z = -6.5;
        s.suspect = u;
        SeriesEntry entry = new SeriesEntry(s);
        entry.latest = new Output.ModeObservation("obs", "olmo-3/7b\u00e9", "gdsuite/persona", 1500, Mode.PARROT,
                Mode.GENERALIZING, 0.05, -1.25, 300, true);
        return entry;
    }

    private static List<RunState.HopRecord> hops() {
        DataWindow w = new DataWindow("r", "w-7", 1000, 1200, 4_000_000_000L, Map.of("code", 0.25, "web", 0.75));
        RunState.HopRecord decided = new RunState.HopRecord(new Output.ModeHop("r/persona/1200/hop", "r",
                "gdsuite/persona", 1200, 1150, 1100, Direction.DOWN, Mode.GENERALIZING, Mode.PARROT, 0.9, 0.1, -7.5,
                List.of(w, new DataWindow("r", "w-8", 1200, 1300, 0, null))));
        decided.verdict = Verdict.STABLE;
        decided.decidedAtStep = 1500;
        RunState.HopRecord open = new RunState.HopRecord(new Output.ModeHop("plain", "r", "loss", 5, -1, -1,
                Direction.UP, null, null, 2.5, 3.5, 0, List.of()));
        return new ArrayList<>(List.of(decided, open));
    }

    @Test
    void theTestSeriesAndHopsSetEveryStoredField() throws Exception {
        SeriesEntry full = series();
        SeriesState s = full.state;
        List<Object[]> pairs = List.of(new Object[] {new SeriesState(), s},
                new Object[] {new ChangePointDetector.State(), s.changePoint},
                new Object[] {new SeriesState.PendingHop(), s.pending.get(0)},
                new Object[] {new ExtraBinomialDispersion.State(), s.dispersion},
                new Object[] {new ModeReference.State(), s.reference},
                new Object[] {new HopDetector.Suspect(), s.suspect},
                new Object[] {new SeriesEntry(), full},
                new Object[] {new RunState.HopRecord(), hops().get(0)},
                new Object[] {new CheckpointRanker.State(), ranking()},
                new Object[] {new CheckpointRanker.Entry(), ranking().entries.get(0)});
        for (Object[] pair : pairs) {
            for (Field f : pair[0].getClass().getDeclaredFields()) {
                int m = f.getModifiers();
                // a ranking state stored with its published board takes the general encoding (tested below)
                boolean boardInline = pair[0] instanceof CheckpointRanker.State && f.getName().equals("published");
                if (Modifier.isStatic(m) || Modifier.isTransient(m) || boardInline) {
                    continue;
                }
                f.setAccessible(true);
                assertNotEquals(String.valueOf(f.get(pair[0])), String.valueOf(f.get(pair[1])),
                        pair[0].getClass().getSimpleName() + "." + f.getName() + " is at its default: a layout that "
                                + "dropped it would pass");
            }
        }
    }

    @Test
    void aSeriesAndItsHopsComeBackWithEveryField() {
        SeriesEntry entry = series();
        byte[] bytes = PartCodec.binary().encode(entry);
        assertEquals(CompactParts.MARKER, bytes[0]);
        assertEquals(tree(entry), tree(PartCodec.decode(bytes, SeriesEntry.class)));
        assertTrue(bytes.length < smileOf(entry).length, bytes.length + " bytes compact, " + smileOf(entry).length);

        SeriesEntry bare = new SeriesEntry(new SeriesState("r", "loss", false));
        bare.state.changePoint = null;
        bare.state.pending = null;
        bare.state.dispersion = null;
        bare.state.reference = null;
        bare.state.confirmed = null;
        assertEquals(tree(bare), tree(PartCodec.decode(PartCodec.binary().encode(bare), SeriesEntry.class)),
                "absent parts of the state stay absent");
        assertEquals(tree(new SeriesEntry()),
                tree(PartCodec.decode(PartCodec.binary().encode(new SeriesEntry()), SeriesEntry.class)));

        List<RunState.HopRecord> hops = hops();
        byte[] hopBytes = PartCodec.binary().encode(hops);
        assertEquals(CompactParts.MARKER, hopBytes[0]);
        var type = new com.fasterxml.jackson.core.type.TypeReference<List<RunState.HopRecord>>() {
        };
        List<RunState.HopRecord> back = PartCodec.decode(hopBytes, type);
        assertEquals(tree(hops), tree(back));
        assertEquals(hops.get(0).hop, back.get(0).hop, "the hop record, windows and mixtures included");
        assertTrue(hopBytes.length < smileOf(hops).length, hopBytes.length + " bytes compact, " + smileOf(hops).length);
    }

    private static CheckpointRanker.State ranking() {
        CheckpointRanker.State state = new CheckpointRanker.State();
        state.bestStep = 1200;
        state.bestScore = 0.75;
        state.publishedFingerprint = 0x8000_0000_0000_0001L;
        for (long step : new long[] {1200, 1100, 5}) {
            CheckpointRanker.Entry e = new CheckpointRanker.Entry();
            e.step = step;
            e.score = step / 1600.0;
            e.soft.put("persona", 0.5 + step / 10_000.0);
            e.soft.put(step == 5 ? "\u00e9" : "keeper", Double.NaN);
            e.weight.put("persona", 1.0);
            e.weight.put("only-weighted", 0.25);
            state.entries.add(e);
        }
        return state;
    }

    @Test
    void aRankingComesBackWithEveryField() {
        CheckpointRanker.State state = ranking();
        byte[] bytes = PartCodec.binary().encode(state);
        assertEquals(CompactParts.MARKER, bytes[0]);
        CheckpointRanker.State back = PartCodec.decode(bytes, CheckpointRanker.State.class);
        assertEquals(tree(state), tree(back));
        assertEquals(state.publishedFingerprint, back.publishedFingerprint);
        assertTrue(bytes.length < smileOf(state).length, bytes.length + " bytes compact, " + smileOf(state).length);
        CheckpointRanker.State fresh = PartCodec.decode(PartCodec.binary().encode(new CheckpointRanker.State()),
                CheckpointRanker.State.class);
        assertEquals(tree(new CheckpointRanker.State()), tree(fresh), "no fingerprint stays none");

        CheckpointRanker.State old = ranking();
        old.published = List.of(new Output.RankedCheckpoint(1200, 0.75));
        byte[] general = PartCodec.binary().encode(old);
        assertNotEquals(CompactParts.MARKER, general[0], "a state with its board inline keeps the general encoding");
        assertEquals(1, PartCodec.decode(general, CheckpointRanker.State.class).published.size());
        assertEquals(tree(state), tree(PartCodec.decode(smileOf(state), CheckpointRanker.State.class)),
                "one stored as Smile before this layout still reads");
        for (int cut = 3; cut < bytes.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(bytes, cut);
            assertThrows(UncheckedIOException.class, () -> PartCodec.decode(part, CheckpointRanker.State.class),
                    "cut at " + cut);
        }
    }

    @Test
    void aSeriesWithAValueTheLayoutCannotHoldKeepsTheGeneralEncoding() {
        SeriesEntry entry = series();
        entry.state.changePoint.history.add(null);
        byte[] bytes = PartCodec.binary().encode(entry);
        assertNotEquals(CompactParts.MARKER, bytes[0]);
        assertEquals(tree(entry), tree(PartCodec.decode(bytes, SeriesEntry.class)));
        List<DataWindow> windows = List.of(new DataWindow("r", "w", 0, 1, 2, Map.of()));
        assertNotEquals(CompactParts.MARKER, PartCodec.binary().encode(windows)[0], "a list of windows is no hop list");
    }

    @Test
    void seriesAndHopsStoredAsSmileBeforeThisLayoutStillRead() {
        SeriesEntry entry = series();
        assertEquals(tree(entry), tree(PartCodec.decode(smileOf(entry), SeriesEntry.class)));
        var type = new com.fasterxml.jackson.core.type.TypeReference<List<RunState.HopRecord>>() {
        };
        assertEquals(tree(hops()), tree(PartCodec.decode(smileOf(hops()), type)));
    }

    @Test
    void aCutSeriesOrHopListFails() {
        for (byte[] bytes : List.of(PartCodec.binary().encode(series()), PartCodec.binary().encode(hops()))) {
            Class<?> type = bytes[1] == 's' ? SeriesEntry.class : List.class;
            for (int cut = 3; cut < bytes.length; cut++) {
                byte[] part = java.util.Arrays.copyOf(bytes, cut);
                assertThrows(UncheckedIOException.class, () -> PartCodec.decode(part, type), "cut at " + cut);
            }
        }
    }
}
