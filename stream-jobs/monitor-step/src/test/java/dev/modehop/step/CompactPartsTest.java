package dev.modehop.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modehop.core.PendingCheckpoint;
import dev.modehop.core.ProcessedCheckpoint;
import dev.modehop.core.ProbeScore;
import dev.modehop.core.RunState;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
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
}
