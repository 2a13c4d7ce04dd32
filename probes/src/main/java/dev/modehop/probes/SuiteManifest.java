package dev.modehop.probes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code manifest.json} of a built suite: what the suite claims to contain, checked against the rows
 * when it is loaded.
 *
 * @param format    {@link ProbeSuite#FORMAT}; a loader refuses formats it does not know
 * @param generator the generator that built the rows, and {@code seed} its seed, so a suite is rebuilt
 *                  exactly from its spec
 * @param source    where an imported suite came from and how it was built (for {@code gdsuite}: the
 *                  configuration used per task and the source files' checksums); null for generated suites
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SuiteManifest(String format, String name, String version, String description, String generator,
                            long seed, List<TaskEntry> tasks, List<FileEntry> files, JsonNode source) {

    public SuiteManifest {
        tasks = List.copyOf(tasks);
        files = List.copyOf(files);
    }

    public SuiteManifest(String format, String name, String version, String description, String generator,
                         long seed, List<TaskEntry> tasks, List<FileEntry> files) {
        this(format, name, version, description, generator, seed, tasks, files, null);
    }

    /** The same manifest over other tasks (a restricted or sampled suite). */
    public SuiteManifest withTasks(List<TaskEntry> kept) {
        return new SuiteManifest(format, name, version, description, generator, seed, kept, files, source);
    }

    /**
     * One (family, task).
     *
     * @param items distinct test questions ({@link ProbeItem#id()})
     * @param seeds demonstration resamples per question
     * @param rows  lines in the files: items x seeds when every question has every seed
     * @param kind  {@value GenerativeItem#KIND} for a task of generative rows (seeds then count sampling
     *              seeds); null (absent from the JSON) for choice rows, so suites without generative rows read
     *              as they always did
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskEntry(String family, String task, int items, int seeds, int rows, int shots, String kind) {
        public TaskEntry(String family, String task, int items, int seeds, int rows, int shots) {
            this(family, task, items, seeds, rows, shots, null);
        }

        public boolean generative() {
            return GenerativeItem.KIND.equals(kind);
        }
    }

    /** One JSONL file, relative to the manifest's folder. */
    public record FileEntry(String path, int rows, String sha256) {
    }
}
