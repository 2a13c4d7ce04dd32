package dev.modehop.probes.gdsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.SuiteManifest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-made GDsuite-layout tree ({@code src/test/resources/gdsuite/tree}: every strategy, demo_set,
 * nested and zero-shot task files, non-ASCII text, persona QA) gives GDsuite's prompts byte for byte:
 * those that {@code src/test/python/gdsuite_prompts.py} computes with CPython's own {@code random}.
 */
class GdsuiteImportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path TREE = PythonScripts.RESOURCES.resolve("tree");
    static final Path CONFIG = PythonScripts.RESOURCES.resolve("tree-config.yaml");
    private static final Path PUBLISHED = PythonScripts.RESOURCES.resolve("published-config.yaml");

    /** (id, seed, prompt) of every prompt the import builds, choices then persona QA, in import order. */
    private static List<String> javaPrompts(GdsuiteTree tree) throws Exception {
        List<String> out = new ArrayList<>();
        for (ProbeItem i : tree.items()) {
            out.add(line(i.id(), i.seed(), i.prompt()));
        }
        for (PersonaQa.Prompt p : tree.personaPrompts()) {
            out.add(line("multihop_persona_qa/" + p.persona() + "/" + p.question().id(), p.seed(), p.text()));
        }
        return out;
    }

    private static String line(String id, int seed, String prompt) throws Exception {
        return JSON.writeValueAsString(Map.of("id", id, "seed", seed, "prompt", prompt));
    }

    private static List<String> normalized(String jsonl) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : jsonl.split("\n")) {
            if (!l.isBlank()) {
                JsonNode n = JSON.readTree(l);
                out.add(line(n.get("id").asText(), n.get("seed").asInt(), n.get("prompt").asText()));
            }
        }
        return out;
    }

    @Test
    void promptsEqualTheCommittedPythonPromptsByteForByte() throws Exception {
        GdsuiteTree tree = GdsuiteTree.read(TREE, GdsuiteConfig.read(CONFIG));
        List<String> expected = normalized(Files.readString(PythonScripts.RESOURCES.resolve("tree-prompts.jsonl")));
        assertEquals(80, expected.size());
        assertEquals(expected, javaPrompts(tree));
        GdsuiteTree published = GdsuiteTree.read(TREE, GdsuiteConfig.published());
        assertEquals(normalized(Files.readString(PythonScripts.RESOURCES.resolve("tree-prompts-published.jsonl"))),
                javaPrompts(published));
    }

    @Test
    void python3FollowingGdsuiteMdMakesTheSamePromptsNow() throws Exception {
        Assumptions.assumeTrue(PythonScripts.available(), "python3 not on this machine");
        Assumptions.assumeTrue(PythonScripts.run("cpython_random_vectors.py").contains("\"python\":\"3.11"),
                "python3 here is not CPython 3.11");
        String fresh;
        try {
            fresh = PythonScripts.run("gdsuite_prompts.py", TREE.toString(), CONFIG.toString());
        } catch (java.io.IOException e) {
            Assumptions.abort("gdsuite_prompts.py cannot run here (PyYAML missing?): " + e.getMessage());
            return;
        }
        assertEquals(Files.readString(PythonScripts.RESOURCES.resolve("tree-prompts.jsonl")), fresh,
                "the committed expected prompts are what python3 computes");
        assertEquals(normalized(fresh), javaPrompts(GdsuiteTree.read(TREE, GdsuiteConfig.read(CONFIG))));
        String published = PythonScripts.run("gdsuite_prompts.py", TREE.toString(), PUBLISHED.toString());
        assertEquals(normalized(published), javaPrompts(GdsuiteTree.read(TREE, GdsuiteConfig.published())));
    }

    @Test
    void theWrittenPublishedConfigIsThePublishedDefault() {
        GdsuiteConfig read = GdsuiteConfig.read(PUBLISHED);
        GdsuiteConfig published = GdsuiteConfig.published();
        assertEquals(published.families(), read.families());
        assertEquals(published.personaFamilies(), read.personaFamilies());
    }

    @Test
    void rowsMapToProbeItemsAsTheIssueSays() {
        GdsuiteTree tree = GdsuiteTree.read(TREE, GdsuiteConfig.read(CONFIG));
        Map<String, List<ProbeItem>> byTask = tree.items().stream()
                .collect(Collectors.groupingBy(i -> i.family() + "/" + i.task()));
        assertEquals(List.of("flipped_answer/sentiment", "flipped_answer/topics", "intuitive_answer/crt",
                "repetitive_answer/algebra.numbered", "repetitive_answer/algebra.v2fmt", "repetitive_answer/code",
                "repetitive_answer/counting", "successive_answer/letters", "truthy_answer/myths"),
                byTask.keySet().stream().sorted().toList());
        ProbeItem first = byTask.get("flipped_answer/sentiment").get(0);
        assertEquals("flipped_answer/sentiment/0", first.id());
        assertEquals("negative", first.generalizing());
        assertEquals("positive", first.parrot());
        assertEquals(4, first.shots());
        assertEquals(1, first.metadata().get("source_label").asInt());
        assertEquals("non-ASCII ✓", first.metadata().get("note").asText());
        assertNull(first.metadata().get("split"));
        assertNull(first.metadata().get("prompt"));
        // 3 test rows x 4 seeds; zero-shot files have one seed; k above the pool takes the pool (3 demos)
        assertEquals(12, byTask.get("flipped_answer/sentiment").size());
        assertEquals(2, byTask.get("repetitive_answer/algebra.v2fmt").size());
        assertEquals(0, byTask.get("repetitive_answer/algebra.v2fmt").get(0).shots());
        assertEquals(3, byTask.get("truthy_answer/myths").get(0).shots());
        assertEquals(3, byTask.get("intuitive_answer/crt").size());
        assertEquals(List.of(0, 1, 2), byTask.get("successive_answer/letters").stream().map(ProbeItem::seed).distinct().toList());
        assertTrue(tree.warnings().stream().anyMatch(w -> w.contains("algebra/missing") && w.contains("not found")),
                tree.warnings().toString());
        assertTrue(tree.warnings().stream().anyMatch(w -> w.contains("myths") && w.contains("k 100")), tree.warnings().toString());
        // persona: 3 + 1 questions x 3 seeds, generative
        assertEquals(12, tree.personaPrompts().size());
    }

    @Test
    void importWritesALoadableSuiteWithConfigAndChecksums(@TempDir Path dir) throws Exception {
        GdsuiteTree tree = GdsuiteSuites.read(GdsuiteSuites.Location.parse("gdsuite:" + TREE + "?config=" + CONFIG));
        Path out = dir.resolve("suite");
        SuiteManifest manifest = GdsuiteSuites.importTo(tree, out);
        ProbeSuite loaded = ProbeSuite.loadFolder(out);
        assertEquals(tree.items(), loaded.items(), "metadata and prompts survive the round trip");
        assertEquals("gdsuite", loaded.name());
        assertTrue(loaded.version().startsWith("tree-"));
        JsonNode source = JSON.readTree(out.resolve("manifest.json").toFile()).get("source");
        assertEquals(manifest.source(), source);
        assertEquals(64, source.get("treeSha256").asText().length());
        assertEquals(64, source.get("configSha256").asText().length());
        JsonNode sentiment = source.get("tasks").get(0);
        assertEquals("balanced", sentiment.get("strategy").asText());
        assertEquals("\n\n", sentiment.get("joiner").asText());
        assertEquals(4, sentiment.get("k").asInt());
        assertEquals(4, sentiment.get("seeds").asInt());
        assertTrue(source.get("files").size() >= 13);
        List<String> generative = Files.readAllLines(out.resolve("multihop_persona_qa.jsonl"), StandardCharsets.UTF_8);
        assertEquals(12, generative.size());
        JsonNode g = JSON.readTree(generative.get(0));
        assertEquals("generative", g.get("kind").asText());
        assertEquals("multihop_persona_qa/ada/ada-1", g.get("id").asText());
        assertEquals("sweden|swedish", g.get("answer").asText());
        assertEquals(5, g.get("samples").asInt(), "the config's n_samples_per_question");
        assertEquals(5, source.get("generative").get(0).get("samplesPerQuestion").asInt());
        assertEquals(tree.generativeItems(), loaded.generativeItems(), "generative rows survive the round trip");
        assertTrue(manifest.tasks().stream().anyMatch(t -> t.generative() && t.family().equals("multihop_persona_qa")
                && t.task().equals("ada") && t.seeds() == 3), manifest.tasks().toString());
    }

    @Test
    void gdsuiteSuiteNamesLoadWhereverASuiteIsNamed() {
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        ProbeSuite s = GdsuiteSuites.load("gdsuite:" + TREE + "?config=" + CONFIG,
                new PrintStream(warnings, true, StandardCharsets.UTF_8));
        assertEquals(GdsuiteTree.read(TREE, GdsuiteConfig.read(CONFIG)).items(), s.items());
        assertTrue(warnings.toString(StandardCharsets.UTF_8).contains("algebra/missing"));
        ProbeSuite viaLoad = ProbeSuite.load("gdsuite:" + TREE);
        assertEquals(14, viaLoad.items().size(), "the published configuration by default");
        assertEquals(4, viaLoad.byTask().size());
    }
}
