package dev.modehop.scorer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.gdsuite.GdsuiteSuites;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scoring with shared prefixes (one key/value cache per (family, task, seed) group or per row) gives the same
 * per-row probabilities and per-task metrics as running every sequence whole, within 1e-4, on every reference
 * fixture with its own tokenizer: on the self-made GDsuite tree (every strategy, merged boundaries, non-ASCII;
 * sharing forced down to one-token prefixes so every group takes the cached path) and on a GDsuite-like suite
 * of long shared demo prefixes, where the forward tokens must fall to well under half.
 */
class PrefixSharingTest {
    private static final double TOLERANCE = 1e-4;
    private static final Path GDSUITE = Path.of("..", "probes", "src", "test", "resources", "gdsuite");

    private static final Path FIXTURES = Path.of("src", "test", "resources", "reference-fixtures");

    static Stream<String> fixtureNames() throws Exception {
        try (Stream<Path> s = java.nio.file.Files.list(FIXTURES)) {
            return s.filter(java.nio.file.Files::isDirectory).map(f -> f.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** Rows, tasks and forward tokens of one scoring run. */
    private record Scored(List<ItemScore> rows, List<TaskScore> tasks, long tokens) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void sharedPrefixesScoreLikeFullSequences(String name) throws Exception {
        Path fixture = FIXTURES.resolve(name);
        ProbeSuite tree = GdsuiteSuites.load("gdsuite:" + GDSUITE.resolve("tree") + "?config="
                + GDSUITE.resolve("tree-config.yaml"));
        List<ProbeItem> demos = longDemoRows();
        try (LoadedCheckpoint c = CheckpointLoader.load(fixture, Device.cpu(), DataType.FLOAT32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TextTokenizer tokenizer = new HuggingFaceTextTokenizer(c.tokenizer());
            ScoringOptions base = ScoringOptions.builder().batchSize(8).build();
            Scored treeFull = score(c, tokenizer, m, tree, base.toBuilder().prefixSharing(false).build());
            Scored treeShared = score(c, tokenizer, m, tree, base.toBuilder().minSharedPrefix(1).build());
            assertSame(name + " tree", treeFull, treeShared);
            assertTrue(treeShared.tokens() < treeFull.tokens(), name + ": forward tokens " + treeShared.tokens()
                    + " shared vs " + treeFull.tokens() + " whole");

            Scored demoFull = score(c, tokenizer, m, demos, base.toBuilder().prefixSharing(false).build());
            Scored demoShared = score(c, tokenizer, m, demos, base);
            assertSame(name + " demos", demoFull, demoShared);
            assertTrue(2 * demoShared.tokens() < demoFull.tokens(), name + ": forward tokens "
                    + demoShared.tokens() + " shared vs " + demoFull.tokens() + " whole");
            System.out.printf(Locale.ROOT, "prefix sharing %-28s tree %d -> %d tokens, demos %d -> %d tokens%n",
                    name, treeFull.tokens(), treeShared.tokens(), demoFull.tokens(), demoShared.tokens());
        }
    }

    /**
     * GDsuite's span for a BOS-adding tokenizer (LLaMA's {@code <s>}): the boundary counted without the BOS and
     * applied to the sequence with it moves every span one token earlier (one more token: the prompt's last),
     * and the shared path still equals the whole one.
     */
    @org.junit.jupiter.api.Test
    void gdsuiteBosSpansShareLikeFullSequences() throws Exception {
        Path fixture = FIXTURES.resolve("llama-gqa-tied");
        ProbeSuite tree = GdsuiteSuites.load("gdsuite:" + GDSUITE.resolve("tree") + "?config="
                + GDSUITE.resolve("tree-config.yaml"));
        try (LoadedCheckpoint c = CheckpointLoader.load(fixture, Device.cpu(), DataType.FLOAT32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            HuggingFaceTextTokenizer tokenizer = new HuggingFaceTextTokenizer(c.tokenizer());
            long[] with = tokenizer.encode("Q: a");
            long[] without = tokenizer.encodeWithoutSpecialTokens("Q: a");
            assertEquals(with.length, without.length + 1, "the fixture's tokenizer adds one BOS");
            assertTrue(java.util.Arrays.equals(with, 1, with.length, without, 0, without.length));
            ScoringOptions base = ScoringOptions.builder().batchSize(8).build();
            Scored exact = score(c, tokenizer, m, tree, base.toBuilder().prefixSharing(false).build());
            Scored full = score(c, tokenizer, m, tree, base.toBuilder().prefixSharing(false).gdsuiteBos(true).build());
            Scored shared = score(c, tokenizer, m, tree, base.toBuilder().minSharedPrefix(1).gdsuiteBos(true).build());
            assertSame("llama-gqa-tied gdsuite-bos", full, shared);
            for (int i = 0; i < exact.rows().size(); i++) {
                ItemScore a = exact.rows().get(i);
                ItemScore b = full.rows().get(i);
                assertEquals(a.generalizingTokens() + 1, b.generalizingTokens(), a.item().rowKey());
                assertEquals(a.parrotTokens() + 1, b.parrotTokens(), a.item().rowKey());
            }
        }
    }

    private static Scored score(LoadedCheckpoint c, TextTokenizer tokenizer, NDManager m, ProbeSuite suite,
                                ScoringOptions options) {
        return score(c, tokenizer, m, suite.items(), options);
    }

    private static Scored score(LoadedCheckpoint c, TextTokenizer tokenizer, NDManager m, List<ProbeItem> rows,
                                ScoringOptions options) {
        long[] tokens = {0};
        List<ItemScore> scores = new TeacherForcedScorer(c.model(), tokenizer, m, options)
                .scoreRows(rows, p -> tokens[0] = p.tokens());
        return new Scored(scores, ScoreAggregator.aggregate(scores), tokens[0]);
    }

    private static void assertSame(String what, Scored full, Scored shared) {
        assertEquals(full.rows().size(), shared.rows().size(), what);
        for (int i = 0; i < full.rows().size(); i++) {
            ItemScore a = full.rows().get(i);
            ItemScore b = shared.rows().get(i);
            String row = what + " " + a.item().rowKey();
            assertEquals(a.item(), b.item(), row);
            assertEquals(a.pGeneralizing(), b.pGeneralizing(), TOLERANCE, row);
            assertEquals(a.pParrot(), b.pParrot(), TOLERANCE, row);
            assertEquals(a.logPGeneralizing(), b.logPGeneralizing(), TOLERANCE * Math.max(1, Math.abs(a.logPGeneralizing())), row);
            assertEquals(a.logPParrot(), b.logPParrot(), TOLERANCE * Math.max(1, Math.abs(a.logPParrot())), row);
            assertEquals(a.generalizingTokens(), b.generalizingTokens(), row);
            assertEquals(a.parrotTokens(), b.parrotTokens(), row);
        }
        assertEquals(full.tasks().size(), shared.tasks().size(), what);
        for (int i = 0; i < full.tasks().size(); i++) {
            TaskScore a = full.tasks().get(i);
            TaskScore b = shared.tasks().get(i);
            String task = what + " " + a.family() + "/" + a.task();
            assertEquals(a.items(), b.items(), task);
            assertEquals(a.seedCount(), b.seedCount(), task);
            assertEquals(a.softScore(), b.softScore(), TOLERANCE, task);
            assertEquals(a.logProbMargin(), b.logProbMargin(), TOLERANCE * Math.max(1, Math.abs(a.logProbMargin())), task);
            // hard accuracy may only differ where a row's two probabilities are within the tolerance of each other
            long close = full.rows().stream().filter(r -> r.item().task().equals(a.task())
                    && Math.abs(r.pGeneralizing() - r.pParrot()) <= 2 * TOLERANCE).count();
            assertEquals(a.hardAccuracy(), b.hardAccuracy(), (double) close / Math.max(1, a.rows()) + 1e-12, task);
        }
    }

    /**
     * Two tasks of 2 seeds x 6 rows: each seed's rows share a prefix of 12 demos (balanced / ordered), the
     * questions and answers differ in length, one answer is a single word, one starts with a non-ASCII letter.
     */
    private static List<ProbeItem> longDemoRows() {
        String[] words = ("river stone quiet bright market engine garden winter paper signal orange window "
                + "harbor velvet copper lantern meadow silver thunder basket").split(" ");
        List<ProbeItem> items = new ArrayList<>();
        for (String task : List.of("sentiment", "letters")) {
            for (int seed = 0; seed < 2; seed++) {
                StringBuilder demos = new StringBuilder("Answer each question.\n\n");
                for (int d = 0; d < 12; d++) {
                    demos.append("Q: ").append(words[(d * 7 + seed) % words.length]).append(' ')
                            .append(words[(d * 3 + 1) % words.length]).append(" ?\nA: ")
                            .append(words[(d + seed) % words.length]).append("\n\n");
                }
                for (int r = 0; r < 6; r++) {
                    String question = "Q: " + words[(r * 5 + 2) % words.length] + " " + "again ".repeat(r) + "?\nA:";
                    String gen = r == 3 ? "élan vital" : words[(r * 11) % words.length];
                    String par = r % 2 == 0 ? words[(r * 13 + 4) % words.length] + " and more" : words[(r + 9) % words.length];
                    items.add(new ProbeItem(task + "-" + r, "flipped_answer", task, seed, 12,
                            demos + question, gen, par));
                }
            }
        }
        return items;
    }
}
