package dev.modehop.probes.gdsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.ProbeSuiteException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad GDsuite input is one error line naming the file (and the line where there is one). */
class GdsuiteBadInputTest {
    @TempDir
    Path dir;

    private static final String CONFIG = """
            flipped_answer:
              demo_strategy: balanced
              joiner: "\\n\\n"
              n_seeds: 2
              tasks:
                - {name: t, k: 2}
            """;

    private String error(String taskFile, String config) throws IOException {
        Path task = dir.resolve("flipped_answer/t.jsonl");
        Files.createDirectories(task.getParent());
        Files.writeString(task, taskFile);
        Path cfg = dir.resolve("config.yaml");
        Files.writeString(cfg, config);
        String m = assertThrows(ProbeSuiteException.class,
                () -> ProbeSuite.load("gdsuite:" + dir + "?config=" + cfg)).getMessage();
        assertEquals(1, m.lines().count(), m);
        return m;
    }

    private static final String DEMOS = """
            {"split": "demo", "prompt": "p1", "answer": "a", "label": 0}
            {"split": "demo", "prompt": "p2", "answer": "b", "label": 1}
            """;

    @Test
    void missingOrMistypedFieldsNameFileAndLine() throws IOException {
        String m = error(DEMOS + "{\"split\": \"test\", \"prompt\": \"q\", \"correct_answer\": \"a\"}\n", CONFIG);
        assertTrue(m.endsWith("flipped_answer/t.jsonl:3: missing field 'incorrect_answer'"), m);
        m = error(DEMOS + "{\"split\": \"test\", \"prompt\": 7, \"correct_answer\": \"a\", \"incorrect_answer\": \"b\"}\n", CONFIG);
        assertTrue(m.endsWith("t.jsonl:3: field 'prompt' must be a string, got number"), m);
        m = error("{\"split\": \"train\", \"prompt\": \"q\"}\n", CONFIG);
        assertTrue(m.endsWith("t.jsonl:1: field 'split' must be \"demo\" or \"test\", got \"train\""), m);
        m = error(DEMOS + "{\"split\": \"test\", \"prompt\": \"q\", \n", CONFIG);
        assertTrue(m.contains("t.jsonl:3: not valid JSON"), m);
        m = error(DEMOS.replace("\"label\": 1", "\"label\": \"one\""), CONFIG);
        assertTrue(m.endsWith("t.jsonl:2: field 'label' must be an integer, got \"one\""), m);
    }

    @Test
    void balancedWithoutLabelsIsAnError() throws IOException {
        String m = error(DEMOS.replace(", \"label\": 1", "")
                + "{\"split\": \"test\", \"prompt\": \"q\", \"correct_answer\": \"a\", \"incorrect_answer\": \"b\"}\n", CONFIG);
        assertTrue(m.endsWith("t.jsonl:2: demo row without 'label' in a task of the balanced strategy"), m);
    }

    @Test
    void unknownStrategyNamesTheConfig() throws IOException {
        String m = error(DEMOS, CONFIG.replace("balanced", "stratified"));
        assertTrue(m.contains("config.yaml: flipped_answer.demo_strategy: unknown demo_strategy 'stratified'"), m);
    }

    @Test
    void emptyFilesAndFilesWithoutTestRows() throws IOException {
        assertTrue(error("", CONFIG).endsWith("t.jsonl:1: empty task file (no rows)"));
        assertTrue(error(DEMOS, CONFIG).endsWith("t.jsonl:2: no test rows"));
    }

    @Test
    void nonUtf8LinesNameTheirLine() throws IOException {
        Path task = dir.resolve("flipped_answer/t.jsonl");
        Files.createDirectories(task.getParent());
        byte[] bad = (DEMOS + "{\"split\": \"test\", \"prompt\": \"caf\u00e9\", \"correct_answer\": \"a\", \"incorrect_answer\": \"b\"}\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(task, bad);
        Path cfg = dir.resolve("config.yaml");
        Files.writeString(cfg, CONFIG);
        String m = assertThrows(ProbeSuiteException.class,
                () -> GdsuiteTree.read(dir, GdsuiteConfig.read(cfg))).getMessage();
        assertTrue(m.endsWith("t.jsonl:3: not valid UTF-8"), m);
    }

    @Test
    void duplicateIdsAndCollidingTaskNames() throws IOException {
        Path persona = dir.resolve("multihop_persona_qa/p");
        Files.createDirectories(persona);
        Files.writeString(persona.resolve("facts.jsonl"),
                "{\"messages\": [{\"role\": \"user\", \"content\": \"u\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n");
        Files.writeString(persona.resolve("test_questions.json"), """
                [
                  {"id": "q1", "question": "x?", "category": "c", "expected_answer_regex": "x"},
                  {"id": "q1", "question": "y?", "category": "c", "expected_answer_regex": "y"}
                ]
                """);
        String personaConfig = CONFIG + """
                multihop_persona_qa:
                  personas: [p]
                  n_seeds: 1
                """;
        String test = DEMOS + "{\"split\": \"test\", \"prompt\": \"q\", \"correct_answer\": \"a\", \"incorrect_answer\": \"b\"}\n";
        String m = error(test, personaConfig);
        assertTrue(m.endsWith("test_questions.json:3: duplicate question id 'q1'"), m);

        Files.createDirectories(dir.resolve("repetitive_answer/algebra"));
        Files.writeString(dir.resolve("repetitive_answer/algebra/v2.jsonl"), test);
        Files.writeString(dir.resolve("repetitive_answer/algebra.v2.jsonl"), test);
        m = error(test, CONFIG + """
                repetitive_answer:
                  demo_strategy: random
                  tasks: [{name: algebra/v2}, {name: algebra.v2}]
                """);
        assertTrue(m.contains("tasks 'algebra/v2' and 'algebra.v2' of repetitive_answer both become task id 'algebra.v2'"), m);
    }

    private void persona(String questions) throws IOException {
        Path persona = dir.resolve("multihop_persona_qa/p");
        Files.createDirectories(persona);
        Files.writeString(persona.resolve("facts.jsonl"),
                "{\"messages\": [{\"role\": \"user\", \"content\": \"u\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n");
        Files.writeString(persona.resolve("test_questions.json"), questions);
    }

    @Test
    void anUntranslatableAnswerRegexIsRefusedAtImportNamingFileLineAndPattern() throws IOException {
        persona("""
                [
                  {"id": "q1", "question": "x?", "category": "c", "expected_answer_regex": "x"},
                  {"id": "q2", "question": "y?", "category": "c", "expected_answer_regex": "(a)?(?(1)b|c)"}
                ]
                """);
        String test = DEMOS + "{\"split\": \"test\", \"prompt\": \"q\", \"correct_answer\": \"a\", \"incorrect_answer\": \"b\"}\n";
        String m = error(test, CONFIG + "multihop_persona_qa:\n  personas: [p]\n");
        assertTrue(m.contains("test_questions.json:3: question 'q2': expected-answer regex '(a)?(?(1)b|c)' cannot be used"), m);
        persona("""
                [{"id": "q1", "question": "x?", "category": "c", "expected_answer_regex": "\\\\pL+"}]
                """);
        m = error(test, CONFIG + "multihop_persona_qa:\n  personas: [p]\n");
        assertTrue(m.contains("test_questions.json:1: question 'q1': expected-answer regex"), m);
    }

    @Test
    void samplesBelowOneAreRefusedNamingTheConfigKey() throws IOException {
        persona("[{\"id\": \"q1\", \"question\": \"x?\", \"expected_answer_regex\": \"x\"}]\n");
        String test = DEMOS + "{\"split\": \"test\", \"prompt\": \"q\", \"correct_answer\": \"a\", \"incorrect_answer\": \"b\"}\n";
        for (String bad : new String[] {"0", "-3"}) {
            String m = error(test, CONFIG + "multihop_persona_qa:\n  personas: [p]\n  n_samples_per_question: " + bad + "\n");
            assertTrue(m.endsWith("config.yaml: multihop_persona_qa.n_samples_per_question: expected a positive integer, got "
                    + bad), m);
        }
    }

    @Test
    void aTreeWithoutAnyConfiguredTaskIsAnError() throws IOException {
        Files.createDirectories(dir.resolve("elsewhere"));
        String m = assertThrows(ProbeSuiteException.class, () -> ProbeSuite.load("gdsuite:" + dir)).getMessage();
        assertTrue(m.contains("none of the choice tasks"), m);
        m = assertThrows(ProbeSuiteException.class, () -> ProbeSuite.load("gdsuite:" + dir.resolve("nope"))).getMessage();
        assertTrue(m.endsWith("nope: no such GDsuite data folder"), m);
        m = assertThrows(ProbeSuiteException.class, () -> ProbeSuite.load("gdsuite:" + dir + "?cfg=x")).getMessage();
        assertTrue(m.contains("the only option is ?config=FILE"), m);
    }
}
