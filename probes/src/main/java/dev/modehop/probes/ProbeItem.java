package dev.modehop.probes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One line of a probe suite: a prompt and its two candidate answers.
 *
 * <p>{@code id} names the test question and is shared by its seeds: the rows of one id differ only in
 * the in-context demonstrations that {@code seed} resampled. {@code (id, seed)} is unique in a suite.
 * Scoring feeds {@code prompt + " " + answer}, so prompts do not end with a space and answers do not
 * start with one.
 *
 * @param shots    number of in-context demonstrations in the prompt (0 for zero-shot families)
 * @param metadata the source row's other fields, carried through untouched (an imported suite's test rows
 *                 keep theirs, see {@code gdsuite}); null when there are none
 */
@JsonPropertyOrder({"id", "family", "task", "seed", "shots", "prompt", "generalizing", "parrot", "metadata"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeItem(String id, String family, String task, int seed, int shots, String prompt,
                        String generalizing, String parrot, JsonNode metadata) implements SuiteRow {

    public ProbeItem(String id, String family, String task, int seed, int shots, String prompt,
                     String generalizing, String parrot) {
        this(id, family, task, seed, shots, prompt, generalizing, parrot, null);
    }

    public ProbeItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(generalizing, "generalizing");
        Objects.requireNonNull(parrot, "parrot");
    }

    /** What is wrong with this item, or null when it is well formed. */
    @Override
    public String problem() {
        String key = keyProblem();
        if (key != null) {
            return key;
        }
        if (shots < 0) {
            return "negative shots " + shots;
        }
        if (prompt.isEmpty()) {
            return "empty prompt";
        }
        if (generalizing.isBlank() || parrot.isBlank()) {
            return "empty answer";
        }
        if (metadata != null && !metadata.isObject()) {
            return "metadata must be a JSON object";
        }
        if (generalizing.equals(parrot)) {
            return "generalizing and parrot answers are both '" + parrot + "'";
        }
        if (Character.isWhitespace(prompt.charAt(prompt.length() - 1))) {
            return "prompt ends with whitespace (the scorer inserts the single space before the answer)";
        }
        if (Character.isWhitespace(generalizing.charAt(0)) || Character.isWhitespace(parrot.charAt(0))) {
            return "answer starts with whitespace (the scorer inserts the single space before the answer)";
        }
        return null;
    }
}
