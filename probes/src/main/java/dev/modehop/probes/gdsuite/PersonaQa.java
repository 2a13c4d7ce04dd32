package dev.modehop.probes.gdsuite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.probes.AnswerPattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * GDsuite's multi-hop persona QA for one persona: the facts become blocks {@code "Q: " + user + "\nA: " +
 * assistant}, shuffled once per seed with {@code random.Random(seed)}, and each question's prompt is
 * {@code joiner.join(blocks + ["Q: " + question + "\nA:"])}. Scoring is generative (sample, then match
 * {@code expected_answer_regex}): the prompts become generative suite rows. A regex the scorer cannot translate
 * from Python's {@code re} is refused here, naming the file, line and pattern.
 */
record PersonaQa(String persona, SourceFile facts, SourceFile questionsFile, List<String> blocks,
                 List<Question> questions) {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Question(String id, String question, String category, String expectedAnswerRegex) {
    }

    /** One generative prompt: a (seed, question) pair. */
    record Prompt(String persona, int seed, Question question, String text) {
    }

    static PersonaQa parse(String persona, SourceFile facts, SourceFile questions) {
        List<String> blocks = new ArrayList<>();
        List<String> lines = facts.lines();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode row = json(facts, lineNo, lines.get(i));
            JsonNode messages = row.path("messages");
            String user = null;
            String assistant = null;
            if (messages.isArray()) {
                for (JsonNode m : messages) {
                    String role = m.path("role").asText();
                    if (!m.path("content").isTextual()) {
                        throw facts.error(lineNo, "message without a string 'content'");
                    }
                    if (role.equals("user") && user == null) {
                        user = m.get("content").asText();
                    } else if (role.equals("assistant") && assistant == null) {
                        assistant = m.get("content").asText();
                    }
                }
            }
            if (user == null || assistant == null) {
                throw facts.error(lineNo, "expected {\"messages\": [{\"role\": \"user\", ...}, {\"role\": \"assistant\", ...}]}");
            }
            blocks.add("Q: " + user + "\nA:" + " " + assistant);
        }
        if (blocks.isEmpty()) {
            throw facts.error(1, "no facts");
        }
        JsonNode root;
        try {
            root = JSON.readTree(questions.text());
        } catch (JsonProcessingException e) {
            throw questions.error(e.getLocation() == null ? 1 : e.getLocation().getLineNr(),
                    "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw questions.error(1, "expected a non-empty JSON list of {id, question, category, expected_answer_regex}");
        }
        List<Question> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode q = root.get(i);
            int line = lineOf(questions, i);
            String id = q.path("id").isNumber() ? q.get("id").asText() : field(questions, line, q, "id");
            if (!ids.add(id)) {
                throw questions.error(line, "duplicate question id '" + id + "'");
            }
            String regex = field(questions, line, q, "expected_answer_regex");
            try {
                AnswerPattern.compile(regex);
            } catch (IllegalArgumentException e) {
                // refused at import, not at scoring time: the message names the pattern and why
                throw questions.error(line, "question '" + id + "': " + e.getMessage());
            }
            out.add(new Question(id, field(questions, line, q, "question"),
                    q.path("category").isTextual() ? q.get("category").asText() : null, regex));
        }
        return new PersonaQa(persona, facts, questions, List.copyOf(blocks), List.copyOf(out));
    }

    List<Prompt> prompts(String joiner, int seeds) {
        List<Prompt> out = new ArrayList<>();
        for (int seed = 0; seed < seeds; seed++) {
            List<String> shuffled = new ArrayList<>(blocks);
            new CPythonRandom(seed).shuffle(shuffled);
            String prefix = String.join(joiner, shuffled) + joiner;
            for (Question q : questions) {
                out.add(new Prompt(persona, seed, q, prefix + "Q: " + q.question() + "\nA:"));
            }
        }
        return out;
    }

    private static JsonNode json(SourceFile file, int line, String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw file.error(line, "not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw file.error(line, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String field(SourceFile file, int line, JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual()) {
            throw file.error(line, v == null ? "missing field '" + name + "'" : "field '" + name + "' must be a string");
        }
        return v.asText();
    }

    /** The line where the i-th element of the top-level list starts (a best effort for error messages). */
    private static int lineOf(SourceFile file, int index) {
        try (var parser = JSON.createParser(file.text())) {
            parser.nextToken();
            int depth = 0;
            int seen = -1;
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = parser.nextToken()) != null) {
                if (depth == 0 && (t == com.fasterxml.jackson.core.JsonToken.START_OBJECT
                        || t == com.fasterxml.jackson.core.JsonToken.START_ARRAY || t.isScalarValue())) {
                    seen++;
                    if (seen == index) {
                        return parser.currentTokenLocation().getLineNr();
                    }
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
            }
        } catch (java.io.IOException e) {
            return 1;
        }
        return 1;
    }
}
