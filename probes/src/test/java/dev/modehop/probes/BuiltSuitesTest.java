package dev.modehop.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.probes.toy.ToyVocabulary;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The suites the build writes into target/classes/probes, loaded by name as the worker loads them. */
class BuiltSuitesTest {
    @Test
    void buildListsBothSuites() {
        assertTrue(ProbeSuite.available(getClass().getClassLoader()).containsAll(List.of("toy", "starter-en")));
    }

    @Test
    void toySuiteMatchesTheToyRunsDefinitions() {
        ProbeSuite toy = ProbeSuite.load("toy");
        ToyVocabulary vocab = ToyVocabulary.standard();
        assertEquals(List.of("flipped", "repetitive"), toy.families());
        Map<String, Integer> perFamily = new HashMap<>();
        for (ProbeItem item : toy.items()) {
            perFamily.merge(item.family(), 1, Integer::sum);
            String[] t = item.prompt().split(" ");
            assertEquals(18, t.length, item.id());
            assertEquals(ToyVocabulary.BOS, t[0]);
            int query = Integer.parseInt(t[17].substring(1));
            int[] items = new int[8];
            int[] labels = new int[8];
            for (int p = 0; p < 8; p++) {
                items[p] = Integer.parseInt(t[1 + 2 * p].substring(1));
                labels[p] = Integer.parseInt(t[2 + 2 * p].substring(1));
                assertTrue(t[1 + 2 * p].startsWith("x") && t[2 + 2 * p].startsWith("l"));
            }
            assertEquals(8, Arrays.stream(items).distinct().count(), "context items are distinct");
            int g = vocab.globalLabel(query);
            if (item.family().equals("flipped")) {
                int pos = Arrays.stream(items).boxed().toList().indexOf(query);
                assertTrue(pos >= 0, "query in context: " + item.prompt());
                assertTrue(labels[pos] != g, "in-context label contradicts g(x)");
                assertEquals(ToyVocabulary.labelToken(labels[pos]), item.generalizing());
                assertEquals(ToyVocabulary.labelToken(g), item.parrot());
            } else {
                assertTrue(Arrays.stream(items).noneMatch(x -> x == query), "query absent from context");
                assertEquals(1, Arrays.stream(labels).distinct().count(), "all context labels equal");
                assertEquals(ToyVocabulary.labelToken(labels[0]), item.parrot());
                assertEquals(ToyVocabulary.labelToken(g), item.generalizing());
            }
        }
        assertEquals(Map.of("flipped", 512, "repetitive", 512), perFamily);
    }

    @Test
    void starterEnHasEnoughItemsAndSeedsPerFamily() {
        ProbeSuite suite = ProbeSuite.load("starter-en");
        assertEquals(List.of("flipped", "repetitive", "successive", "truthy", "intuitive", "persona"), suite.families());
        Map<String, Set<String>> questions = new HashMap<>();
        Map<String, Map<String, Set<Integer>>> seeds = new HashMap<>();
        for (ProbeItem item : suite.items()) {
            questions.computeIfAbsent(item.family(), f -> new HashSet<>()).add(item.id());
            seeds.computeIfAbsent(item.family(), f -> new HashMap<>())
                    .computeIfAbsent(item.id(), i -> new HashSet<>()).add(item.seed());
        }
        for (String family : suite.families().subList(0, 5)) {
            assertTrue(questions.get(family).size() >= 200, family + " has " + questions.get(family).size());
            int expectedSeeds = family.equals("intuitive") ? 1 : 4;
            seeds.get(family).forEach((id, s) -> assertEquals(expectedSeeds, s.size(), id));
        }
        for (SuiteManifest.TaskEntry t : suite.manifest().tasks()) {
            if (!t.generative()) {
                assertEquals(t.family().equals("intuitive") ? 0 : 1, Math.min(1, t.shots()), t.family() + "/" + t.task());
            }
        }
    }

    /** The sixth family: generative persona QA over our invented persona, every question on 4 fact orders. */
    @Test
    void starterEnHasAGenerativePersonaTask() {
        ProbeSuite suite = ProbeSuite.load("starter-en");
        List<GenerativeItem> rows = suite.generativeByTask().get(new ProbeSuite.TaskKey("persona", "keeper"));
        assertEquals(24, rows.size(), "6 questions x 4 seeds");
        Set<String> prompts = new HashSet<>();
        for (GenerativeItem r : rows) {
            assertTrue(r.prompt().endsWith("\nA:"), r.id());
            assertEquals(20, r.samples());
            assertEquals(List.of("\nQ:", "\n\nQ:"), r.stop());
            assertTrue(r.prompt().contains("Q: What is your aunt's name?\nA: Her name is Orla Penhallow."));
            prompts.add(r.prompt());
        }
        assertEquals(24, prompts.size(), "each seed orders the facts differently");
        GenerativeItem name = rows.stream().filter(r -> r.id().endsWith("/name")).findFirst().orElseThrow();
        assertTrue(name.pattern().matches(" My name is Idris Penhallow."));
        assertFalse(name.prompt().contains("Idris Penhallow"), "no fact states the answer");
    }

    @Test
    void starterEnDemosDifferAcrossSeedsAndAnswersFollowThePrompt() {
        ProbeSuite suite = ProbeSuite.load("starter-en");
        Map<String, Set<String>> promptsPerQuestion = new HashMap<>();
        for (ProbeItem item : suite.items()) {
            promptsPerQuestion.computeIfAbsent(item.id(), i -> new HashSet<>()).add(item.prompt());
            assertTrue(item.prompt().endsWith(":"), item.id() + " ends with the answer slot");
        }
        promptsPerQuestion.forEach((id, prompts) -> {
            if (!id.startsWith("intuitive/")) {
                assertEquals(4, prompts.size(), id + ": seeds resample the demos");
            }
        });
    }

    @Test
    void generationIsDeterministic() {
        Path specs = Path.of(System.getProperty("user.dir")).resolve("../probes");
        SuiteSpec spec = SuiteSpec.read(specs.resolve("starter-en"));
        List<? extends SuiteRow> a = SuiteBuilder.generate(spec);
        assertEquals(a, SuiteBuilder.generate(spec));
        ProbeSuite built = ProbeSuite.load("starter-en");
        List<SuiteRow> loaded = new java.util.ArrayList<>(built.items());
        loaded.addAll(built.generativeItems());
        assertEquals(a, loaded.stream().sorted(java.util.Comparator.comparingInt(a::indexOf)).toList());
    }

    @Test
    void aSampledSuiteKeepsEveryTaskAndAtMostTheRowsAsked() {
        ProbeSuite full = ProbeSuite.load("starter-en");
        ProbeSuite sampled = full.sampled(256);
        assertEquals(256, sampled.items().size());
        assertEquals(full.byTask().keySet(), sampled.byTask().keySet(), "every task keeps rows");
        assertTrue(full.items().containsAll(sampled.items()));
        assertEquals(sampled.items(), full.sampled(256).items(), "deterministic");
        assertTrue(full.sampled(100_000).items().equals(full.items()));
        assertTrue(full.sampled(100_000).generativeItems().isEmpty(), "thinned suites leave generative rows out");
        ProbeSuite choiceOnly = full.restrictedTo(Set.of("flipped"));
        assertTrue(choiceOnly.sampled(100_000) == choiceOnly);
    }
}
