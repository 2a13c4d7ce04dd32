package dev.modehop.probes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes a suite folder: one {@code <family>.jsonl} per family and a {@code manifest.json} that counts them. */
public final class SuiteWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SuiteWriter() {
    }

    /** Writes {@code items} (validated, in the given order within each family) and returns the manifest. */
    public static SuiteManifest write(Path folder, SuiteSpec spec, List<? extends SuiteRow> items) throws IOException {
        return write(folder, spec, items, null);
    }

    /** The same, with the manifest's {@code source} (where an imported suite came from). */
    public static SuiteManifest write(Path folder, SuiteSpec spec, List<? extends SuiteRow> items, JsonNode source)
            throws IOException {
        Files.createDirectories(folder);
        Map<String, List<SuiteRow>> byFamily = new LinkedHashMap<>();
        Set<String> rowKeys = new java.util.HashSet<>();
        for (SuiteRow item : items) {
            String problem = item.problem();
            if (problem != null) {
                throw new ProbeSuiteException("generator of " + spec.name() + " made a bad item " + item.id() + ": " + problem);
            }
            if (!rowKeys.add(item.rowKey())) {
                throw new ProbeSuiteException("generator of " + spec.name() + " made a duplicate row " + item.rowKey());
            }
            byFamily.computeIfAbsent(item.family(), f -> new ArrayList<>()).add(item);
        }
        List<SuiteManifest.FileEntry> files = new ArrayList<>();
        for (var e : byFamily.entrySet()) {
            String fileName = e.getKey() + ".jsonl";
            StringBuilder sb = new StringBuilder();
            for (SuiteRow item : e.getValue()) {
                sb.append(line(item)).append('\n');
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            Files.write(folder.resolve(fileName), bytes);
            files.add(new SuiteManifest.FileEntry(fileName, e.getValue().size(), sha256(bytes)));
        }
        SuiteManifest manifest = new SuiteManifest(ProbeSuite.FORMAT, spec.name(), spec.version(), spec.description(),
                spec.generator(), spec.seed(), taskEntries(items), files, source);
        Files.writeString(folder.resolve(ProbeSuite.MANIFEST),
                JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(manifest) + "\n");
        return manifest;
    }

    /**
     * Per (family, task), in first-seen order: distinct ids, seeds, rows and the most shots of any row, and
     * the kind of a generative task.
     */
    public static List<SuiteManifest.TaskEntry> taskEntries(List<? extends SuiteRow> items) {
        Map<ProbeSuite.TaskKey, List<SuiteRow>> byTask = new LinkedHashMap<>();
        for (SuiteRow item : items) {
            byTask.computeIfAbsent(new ProbeSuite.TaskKey(item.family(), item.task()), k -> new ArrayList<>()).add(item);
        }
        List<SuiteManifest.TaskEntry> tasks = new ArrayList<>();
        for (var e : byTask.entrySet()) {
            List<SuiteRow> rows = e.getValue();
            Set<String> ids = new LinkedHashSet<>();
            Set<Integer> seeds = new LinkedHashSet<>();
            int shots = 0;
            boolean generative = false;
            for (SuiteRow r : rows) {
                ids.add(r.id());
                seeds.add(r.seed());
                if (r instanceof ProbeItem choice) {
                    shots = Math.max(shots, choice.shots());
                } else {
                    generative = true;
                }
            }
            tasks.add(new SuiteManifest.TaskEntry(e.getKey().family(), e.getKey().task(), ids.size(), seeds.size(),
                    rows.size(), shots, generative ? GenerativeItem.KIND : null));
        }
        return tasks;
    }

    /** One JSONL line (no trailing newline). */
    public static String line(SuiteRow item) {
        try {
            return JSON.writeValueAsString(item);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
