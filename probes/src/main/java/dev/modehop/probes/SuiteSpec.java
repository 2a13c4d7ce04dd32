package dev.modehop.probes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code probes/<suite>/suite.json}: the committed recipe of a suite. The rows are built from it (see
 * {@link SuiteBuilder}), never committed.
 *
 * @param folder the spec's folder, where a generator finds its templates
 * @param params generator-specific settings (item counts, shots, ...)
 */
public record SuiteSpec(String name, String version, String description, String generator, long seed,
                        JsonNode params, Path folder) {

    public static final String FILE = "suite.json";

    public static SuiteSpec read(Path folder) {
        Path file = folder.resolve(FILE);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ProbeSuiteException(file + ": cannot read suite spec: " + e.getMessage(), e);
        }
        String name = requireText(root, "name", file);
        if (!Names.isValid(name)) {
            throw new ProbeSuiteException(file + ": suite name '" + name + "' must match " + Names.PATTERN);
        }
        if (!root.path("seed").canConvertToLong()) {
            throw new ProbeSuiteException(file + ": 'seed' must be an integer");
        }
        return new SuiteSpec(name, requireText(root, "version", file), root.path("description").asText(""),
                requireText(root, "generator", file), root.path("seed").asLong(),
                root.path("params"), folder);
    }

    /** An integer parameter, or {@code fallback} when the spec does not set it. */
    public int intParam(String key, int fallback) {
        JsonNode node = params.path(key);
        return node.isMissingNode() ? fallback : node.asInt();
    }

    private static String requireText(JsonNode root, String field, Path file) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new ProbeSuiteException(file + ": missing text field '" + field + "'");
        }
        return node.asText();
    }
}
