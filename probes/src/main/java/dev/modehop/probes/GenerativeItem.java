package dev.modehop.probes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A generative line of a probe suite ({@code "kind": "generative"}): a prompt the scorer samples
 * {@code samples} completions of, each matched against {@code answer}, an expected-answer regex in Python
 * {@code re} syntax searched case-insensitively anywhere in the completion ({@link AnswerPattern}). The share
 * of completions that match is the row's match rate.
 *
 * <p>{@code id} names the question and is shared by its seeds, as for choice rows; {@code seed} fixes, with the
 * id and the sample index, every sample's random stream (and, for GDsuite's persona QA, the shuffle of the facts
 * in the prompt). The prompt is fed as it is: it may end with a space or a newline.
 *
 * @param temperature  softmax temperature; 0 decodes greedily
 * @param maxNewTokens at most this many generated tokens per completion
 * @param stop         a completion ends before the first occurrence of any of these in its decoded text
 * @param metadata     the source row's other fields, carried through untouched; null when there are none
 */
@JsonPropertyOrder({"kind", "id", "family", "task", "seed", "prompt", "answer", "samples", "temperature",
        "maxNewTokens", "stop", "metadata"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerativeItem(String id, String family, String task, int seed, String prompt, String answer,
                             int samples, double temperature, int maxNewTokens, List<String> stop, JsonNode metadata)
        implements SuiteRow {
    /** The value of a row's {@code kind} field that makes it generative; rows without {@code kind} are choice rows. */
    public static final String KIND = "generative";

    public GenerativeItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    @JsonProperty("kind")
    public String kind() {
        return KIND;
    }

    /** The expected answer, compiled. @throws IllegalArgumentException naming the pattern when it cannot be used */
    public AnswerPattern pattern() {
        return AnswerPattern.compile(answer);
    }

    @Override
    public String problem() {
        String key = keyProblem();
        if (key != null) {
            return key;
        }
        if (prompt.isEmpty()) {
            return "empty prompt";
        }
        if (samples <= 0) {
            return "samples must be at least 1, got " + samples;
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            return "temperature must be a finite number >= 0, got " + temperature;
        }
        if (maxNewTokens < 0) {
            return "maxNewTokens must be >= 0, got " + maxNewTokens;
        }
        if (stop.stream().anyMatch(String::isEmpty)) {
            return "an empty stop string";
        }
        if (metadata != null && !metadata.isObject()) {
            return "metadata must be a JSON object";
        }
        if (answer.isEmpty()) {
            return "empty expected-answer regex (it would match every completion)";
        }
        try {
            AnswerPattern.compile(answer);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }
}
