package dev.modehop.scorer.probe;

import java.util.List;

/**
 * {@code manifest.json} of a built suite: what the suite claims to contain, checked against the rows
 * when it is loaded.
 *
 * @param format    {@link ProbeSuite#FORMAT}; a loader refuses formats it does not know
 * @param generator the generator that built the rows, and {@code seed} its seed, so a suite is rebuilt
 *                  exactly from its spec
 */
public record SuiteManifest(String format, String name, String version, String description, String generator,
                            long seed, List<TaskEntry> tasks, List<FileEntry> files) {

    public SuiteManifest {
        tasks = List.copyOf(tasks);
        files = List.copyOf(files);
    }

    /**
     * One (family, task).
     *
     * @param items distinct test questions ({@link ProbeItem#id()})
     * @param seeds demonstration resamples per question
     * @param rows  lines in the files: items x seeds when every question has every seed
     */
    public record TaskEntry(String family, String task, int items, int seeds, int rows, int shots) {
    }

    /** One JSONL file, relative to the manifest's folder. */
    public record FileEntry(String path, int rows, String sha256) {
    }
}
