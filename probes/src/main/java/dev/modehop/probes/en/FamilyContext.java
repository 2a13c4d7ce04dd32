package dev.modehop.probes.en;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.toy.SplitMix64;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a family generator gets: its template file, how many questions per task, how many demo seeds, how
 * many demos, and the random streams. A question's stream depends only on (suite seed, family, task,
 * question index) and a demo set's stream also on the seed, so growing a suite (more items or seeds)
 * leaves the existing rows unchanged.
 */
final class FamilyContext {
    final String family;
    final JsonNode templates;
    final Path templateFile;
    final int itemsPerTask;
    final int seeds;
    final int shots;
    private final long suiteSeed;

    FamilyContext(String family, JsonNode templates, Path templateFile, long suiteSeed, int itemsPerTask, int seeds,
                  int shots) {
        this.family = family;
        this.templates = templates;
        this.templateFile = templateFile;
        this.suiteSeed = suiteSeed;
        this.itemsPerTask = itemsPerTask;
        this.seeds = seeds;
        this.shots = shots;
    }

    SplitMix64 questionRng(String task, int index) {
        return new SplitMix64(hash(task, index, -1));
    }

    SplitMix64 demoRng(String task, int index, int seed) {
        return new SplitMix64(hash(task, index, seed));
    }

    private long hash(String task, int index, int seed) {
        long h = suiteSeed;
        for (char c : (family + "/" + task).toCharArray()) {
            h = new SplitMix64(h ^ c).nextLong();
        }
        h = new SplitMix64(h ^ (index * 0x9E3779B97F4A7C15L)).nextLong();
        return new SplitMix64(h ^ ((seed + 1L) * 0xD1B54A32D192ED03L)).nextLong();
    }

    String id(String task, int index) {
        return String.format("%s/%s/%04d", family, task, index);
    }

    ProbeItem item(String task, int index, int seed, int shots, String prompt, String generalizing, String parrot) {
        return new ProbeItem(id(task, index), family, task, seed, shots, prompt, generalizing, parrot);
    }

    /** The strings of a template array, failing with the file name when it is missing or empty. */
    List<String> strings(String... path) {
        JsonNode node = node(path);
        if (!node.isArray() || node.isEmpty()) {
            throw new ProbeSuiteException(templateFile + ": '" + String.join(".", path) + "' must be a non-empty array");
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    JsonNode node(String... path) {
        JsonNode node = templates;
        for (String p : path) {
            node = node.path(p);
        }
        if (node.isMissingNode()) {
            throw new ProbeSuiteException(templateFile + ": missing '" + String.join(".", path) + "'");
        }
        return node;
    }

    static <T> T pick(SplitMix64 rng, List<T> list) {
        return list.get(rng.nextInt(list.size()));
    }

    /** The demos joined into a prompt that ends with the question block (its answer left out). */
    static String prompt(List<String> demos, String question) {
        StringBuilder sb = new StringBuilder();
        for (String d : demos) {
            sb.append(d).append("\n\n");
        }
        return sb.append(question).toString();
    }
}
