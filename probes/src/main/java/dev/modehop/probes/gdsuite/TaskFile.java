package dev.modehop.probes.gdsuite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One GDsuite task file ({@code <family>/<task>.jsonl}): its demo rows and its test rows, each in file order
 * (the order drives GDsuite's sampling). Every line is checked; errors name {@code file:line}.
 */
record TaskFile(SourceFile source, List<Demo> demos, List<Test> tests) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A demo row; {@code label} and {@code demoSet} null when the row has none. */
    record Demo(int line, String prompt, String answer, Integer label, Integer demoSet) {
        String block() {
            return prompt + " " + answer;
        }
    }

    /** A test row; {@code metadata} holds its fields other than split, prompt and the two answers. */
    record Test(int line, String prompt, String correct, String incorrect, ObjectNode metadata) {
    }

    static TaskFile parse(SourceFile source) {
        List<Demo> demos = new ArrayList<>();
        List<Test> tests = new ArrayList<>();
        List<String> lines = source.lines();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw source.error(lineNo, "not valid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw source.error(lineNo, "not a JSON object");
            }
            String split = text(source, lineNo, node, "split");
            switch (split) {
                case "demo" -> demos.add(new Demo(lineNo, text(source, lineNo, node, "prompt"),
                        text(source, lineNo, node, "answer"), optionalInt(source, lineNo, node, "label"),
                        optionalInt(source, lineNo, node, "demo_set")));
                case "test" -> {
                    ObjectNode metadata = ((ObjectNode) node).deepCopy();
                    metadata.remove(List.of("split", "prompt", "correct_answer", "incorrect_answer"));
                    tests.add(new Test(lineNo, text(source, lineNo, node, "prompt"),
                            text(source, lineNo, node, "correct_answer"), text(source, lineNo, node, "incorrect_answer"),
                            metadata));
                }
                default -> throw source.error(lineNo, "field 'split' must be \"demo\" or \"test\", got \"" + split + "\"");
            }
        }
        if (tests.isEmpty()) {
            throw source.error(Math.max(1, lines.size()), demos.isEmpty() ? "empty task file (no rows)" : "no test rows");
        }
        checkDemoSets(source, demos);
        return new TaskFile(source, List.copyOf(demos), List.copyOf(tests));
    }

    /** Either every demo row names its demo_set or none does: a pool cannot be told apart otherwise. */
    private static void checkDemoSets(SourceFile source, List<Demo> demos) {
        boolean any = demos.stream().anyMatch(d -> d.demoSet() != null);
        if (!any) {
            return;
        }
        for (Demo d : demos) {
            if (d.demoSet() == null) {
                throw source.error(d.line(), "demo row without 'demo_set' where other demo rows have one");
            }
            if (d.demoSet() < 0) {
                throw source.error(d.line(), "negative demo_set " + d.demoSet());
            }
        }
    }

    private static String text(SourceFile source, int line, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw source.error(line, "missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw source.error(line, "field '" + field + "' must be a string, got " + v.getNodeType().name().toLowerCase());
        }
        return v.asText();
    }

    private static Integer optionalInt(SourceFile source, int line, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw source.error(line, "field '" + field + "' must be an integer, got " + v);
        }
        return v.asInt();
    }
}
