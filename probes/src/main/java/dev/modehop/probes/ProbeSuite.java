package dev.modehop.probes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.probes.gdsuite.GdsuiteSuites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded, validated probe suite: its manifest and its rows.
 *
 * <p>On disk (or on the classpath under {@code probes/<name>/}) a suite is a folder with
 * {@code manifest.json} and the JSONL files it lists, one row per line: a choice row ({@link ProbeItem}), or,
 * with {@code "kind": "generative"}, a generative row ({@link GenerativeItem}). Loading checks every line (the
 * error names the file and line; an expected-answer regex that cannot be translated is refused here, naming
 * the pattern), that {@code (id, seed)} is unique, that every row's (family, task) is declared with the row's
 * kind, and that the counts and checksums in the manifest match the rows.
 */
public final class ProbeSuite {
    public static final String FORMAT = "modehop-probes/1";
    public static final String MANIFEST = "manifest.json";
    /** Classpath folder of the built suites. */
    public static final String CLASSPATH_ROOT = "probes";
    /** Lists the suites built onto the classpath, one name per line. */
    public static final String INDEX = "index.txt";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SuiteManifest manifest;
    private final List<ProbeItem> items;
    private final List<GenerativeItem> generative;
    private final Map<TaskKey, List<ProbeItem>> byTask;
    private final Map<TaskKey, List<GenerativeItem>> generativeByTask;

    private ProbeSuite(SuiteManifest manifest, List<? extends SuiteRow> rows) {
        this.manifest = manifest;
        List<ProbeItem> choice = new ArrayList<>();
        List<GenerativeItem> sampled = new ArrayList<>();
        for (SuiteRow r : rows) {
            if (r instanceof GenerativeItem g) {
                sampled.add(g);
            } else {
                choice.add((ProbeItem) r);
            }
        }
        this.items = List.copyOf(choice);
        this.generative = List.copyOf(sampled);
        Map<TaskKey, List<ProbeItem>> grouped = new LinkedHashMap<>();
        Map<TaskKey, List<GenerativeItem>> groupedGenerative = new LinkedHashMap<>();
        for (SuiteManifest.TaskEntry t : manifest.tasks()) {
            if (t.generative()) {
                groupedGenerative.put(new TaskKey(t.family(), t.task()), new ArrayList<>());
            } else {
                grouped.put(new TaskKey(t.family(), t.task()), new ArrayList<>());
            }
        }
        for (ProbeItem item : this.items) {
            grouped.get(new TaskKey(item.family(), item.task())).add(item);
        }
        for (GenerativeItem item : this.generative) {
            groupedGenerative.get(new TaskKey(item.family(), item.task())).add(item);
        }
        grouped.replaceAll((k, v) -> List.copyOf(v));
        groupedGenerative.replaceAll((k, v) -> List.copyOf(v));
        this.byTask = Collections.unmodifiableMap(grouped);
        this.generativeByTask = Collections.unmodifiableMap(groupedGenerative);
    }

    /** A (family, task) pair. */
    public record TaskKey(String family, String task) {
        @Override
        public String toString() {
            return family + "/" + task;
        }
    }

    /**
     * Loads {@code nameOrFolder}: {@code gdsuite:DATA_DIR[?config=FILE]} builds the suite from a GDsuite
     * data tree in memory ({@link GdsuiteSuites}); a folder when it holds {@code manifest.json};
     * otherwise the suite of that name built onto the classpath.
     */
    public static ProbeSuite load(String nameOrFolder) {
        if (nameOrFolder.startsWith(GdsuiteSuites.SCHEME)) {
            return GdsuiteSuites.load(nameOrFolder);
        }
        Path path = Path.of(nameOrFolder);
        if (Files.isRegularFile(path.resolve(MANIFEST))) {
            return loadFolder(path);
        }
        // a folder without a manifest (a recipe folder of the same name, say) does not hide the built suite
        ClassLoader loader = ProbeSuite.class.getClassLoader();
        if (Names.isValid(nameOrFolder) && loader.getResource(CLASSPATH_ROOT + "/" + nameOrFolder + "/" + MANIFEST) != null) {
            return loadClasspath(nameOrFolder, loader);
        }
        if (Files.isDirectory(path)) {
            throw new ProbeSuiteException(path.resolve(MANIFEST) + ": not found (a suite folder holds manifest.json;"
                    + " built suites: " + available(loader) + ")");
        }
        if (!Names.isValid(nameOrFolder)) {
            throw new ProbeSuiteException("no suite folder '" + nameOrFolder + "' and it is not a suite name");
        }
        return loadClasspath(nameOrFolder, loader);
    }

    public static ProbeSuite loadFolder(Path folder) {
        return read(folder.toString(), relative -> {
            Path file = folder.resolve(relative).normalize();
            if (!file.startsWith(folder.normalize())) {
                throw new ProbeSuiteException(folder.resolve(MANIFEST) + ": file '" + relative + "' is outside the suite folder");
            }
            if (!Files.isRegularFile(file)) {
                return null;
            }
            return Files.newInputStream(file);
        });
    }

    public static ProbeSuite loadClasspath(String name, ClassLoader loader) {
        String base = CLASSPATH_ROOT + "/" + name;
        if (loader.getResource(base + "/" + MANIFEST) == null) {
            throw new ProbeSuiteException("no probe suite '" + name + "' on the classpath (looked for " + base + "/"
                    + MANIFEST + "; built suites: " + available(loader) + ")");
        }
        return read(base, relative -> {
            if (relative.contains("..") || relative.startsWith("/")) {
                throw new ProbeSuiteException(base + "/" + MANIFEST + ": file '" + relative + "' is outside the suite folder");
            }
            return loader.getResourceAsStream(base + "/" + relative);
        });
    }

    /** Names of the suites built onto the classpath. */
    public static List<String> available(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(CLASSPATH_ROOT + "/" + INDEX)) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @FunctionalInterface
    private interface Opener {
        /** The stream of a file relative to the suite folder, or null when it does not exist. */
        InputStream open(String relative) throws IOException;
    }

    private static ProbeSuite read(String base, Opener opener) {
        String manifestName = base + "/" + MANIFEST;
        SuiteManifest manifest;
        try (InputStream in = opener.open(MANIFEST)) {
            if (in == null) {
                throw new ProbeSuiteException(manifestName + ": not found");
            }
            manifest = JSON.readValue(in, SuiteManifest.class);
        } catch (JsonProcessingException e) {
            throw new ProbeSuiteException(manifestName + ": not a valid manifest: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ProbeSuiteException(manifestName + ": cannot read: " + e.getMessage(), e);
        }
        checkManifest(manifestName, manifest);

        Map<TaskKey, SuiteManifest.TaskEntry> declared = new LinkedHashMap<>();
        for (SuiteManifest.TaskEntry t : manifest.tasks()) {
            if (declared.put(new TaskKey(t.family(), t.task()), t) != null) {
                throw new ProbeSuiteException(manifestName + ": task " + t.family() + "/" + t.task() + " listed twice");
            }
        }
        List<SuiteRow> items = new ArrayList<>();
        Set<String> rowKeys = new HashSet<>();
        for (SuiteManifest.FileEntry f : manifest.files()) {
            String fileName = base + "/" + f.path();
            int before = items.size();
            String sha = readRows(fileName, opener, f.path(), declared, rowKeys, items);
            int rows = items.size() - before;
            if (rows != f.rows()) {
                throw new ProbeSuiteException(fileName + ": has " + rows + " rows, manifest says " + f.rows());
            }
            if (f.sha256() != null && !f.sha256().isBlank() && !f.sha256().equalsIgnoreCase(sha)) {
                throw new ProbeSuiteException(fileName + ": sha256 " + sha + " differs from the manifest's " + f.sha256());
            }
        }
        checkCounts(manifestName, declared, items);
        return new ProbeSuite(manifest, items);
    }

    /**
     * A suite over rows built in memory (an imported tree): the same checks as loading a folder, with
     * {@code origin} standing for the folder in error messages. The manifest's file entries are not read.
     */
    public static ProbeSuite of(String origin, SuiteManifest manifest, List<? extends SuiteRow> items) {
        String manifestName = origin + "/" + MANIFEST;
        checkManifest(manifestName, manifest);
        Map<TaskKey, SuiteManifest.TaskEntry> declared = new LinkedHashMap<>();
        manifest.tasks().forEach(t -> declared.put(new TaskKey(t.family(), t.task()), t));
        Set<String> rowKeys = new HashSet<>();
        for (SuiteRow item : items) {
            String problem = item.problem();
            if (problem != null) {
                throw new ProbeSuiteException(origin + ": row " + item.rowKey() + ": " + problem);
            }
            String undeclared = undeclared(declared, item);
            if (undeclared != null) {
                throw new ProbeSuiteException(origin + ": row " + item.rowKey() + ": " + undeclared);
            }
            if (!rowKeys.add(item.rowKey())) {
                throw new ProbeSuiteException(origin + ": duplicate id '" + item.id() + "' with seed " + item.seed());
            }
        }
        checkCounts(manifestName, declared, items);
        return new ProbeSuite(manifest, items);
    }

    private static void checkManifest(String manifestName, SuiteManifest m) {
        if (!FORMAT.equals(m.format())) {
            throw new ProbeSuiteException(manifestName + ": format '" + m.format() + "' is not " + FORMAT);
        }
        if (!Names.isValid(m.name())) {
            throw new ProbeSuiteException(manifestName + ": suite name '" + m.name() + "' must match " + Names.PATTERN);
        }
        if (m.version() == null || m.version().isBlank()) {
            throw new ProbeSuiteException(manifestName + ": missing version");
        }
        if (m.tasks().isEmpty() || m.files().isEmpty()) {
            throw new ProbeSuiteException(manifestName + ": lists no tasks or no files");
        }
    }

    private static String readRows(String fileName, Opener opener, String relative,
                                   Map<TaskKey, SuiteManifest.TaskEntry> declared, Set<String> rowKeys,
                                   List<SuiteRow> out) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream raw = opener.open(relative)) {
            if (raw == null) {
                throw new ProbeSuiteException(fileName + ": listed in the manifest but not found");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    new DigestInputStream(raw, sha), StandardCharsets.UTF_8))) {
                String line;
                int lineNo = 0;
                while ((line = reader.readLine()) != null) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    SuiteRow item = parseRow(fileName, lineNo, line);
                    String undeclared = undeclared(declared, item);
                    if (undeclared != null) {
                        throw ProbeSuiteException.atLine(fileName, lineNo, undeclared);
                    }
                    if (!rowKeys.add(item.rowKey())) {
                        throw ProbeSuiteException.atLine(fileName, lineNo,
                                "duplicate id '" + item.id() + "' with seed " + item.seed());
                    }
                    out.add(item);
                }
            }
        } catch (IOException e) {
            throw new ProbeSuiteException(fileName + ": cannot read: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Why the row's task is not usable for it (not declared, or declared as the other kind), or null. */
    private static String undeclared(Map<TaskKey, SuiteManifest.TaskEntry> declared, SuiteRow row) {
        SuiteManifest.TaskEntry t = declared.get(new TaskKey(row.family(), row.task()));
        if (t == null) {
            return "task " + row.family() + "/" + row.task() + " is not declared in the manifest";
        }
        if (t.generative() != row instanceof GenerativeItem) {
            return "a " + (row instanceof GenerativeItem ? "generative" : "choice") + " row of task " + row.family()
                    + "/" + row.task() + ", which the manifest declares as " + (t.generative() ? "generative" : "choice");
        }
        return null;
    }

    /** Parses one JSONL line of either kind; the exception names {@code fileName:lineNo}. */
    public static SuiteRow parseRow(String fileName, int lineNo, String line) {
        JsonNode node = object(fileName, lineNo, line);
        JsonNode kind = node.get("kind");
        if (kind == null || kind.isNull() || "choice".equals(kind.asText())) {
            return choice(fileName, lineNo, node);
        }
        if (!kind.isTextual() || !GenerativeItem.KIND.equals(kind.asText())) {
            throw ProbeSuiteException.atLine(fileName, lineNo, "unknown row kind " + kind
                    + " (known: choice, the default, and " + GenerativeItem.KIND + ")");
        }
        List<String> stop = new ArrayList<>();
        JsonNode stops = node.get("stop");
        if (stops != null && !stops.isNull()) {
            if (!stops.isArray()) {
                throw ProbeSuiteException.atLine(fileName, lineNo, "field 'stop' must be a list of strings");
            }
            for (JsonNode st : stops) {
                if (!st.isTextual()) {
                    throw ProbeSuiteException.atLine(fileName, lineNo, "field 'stop' must be a list of strings");
                }
                stop.add(st.asText());
            }
        }
        JsonNode temperature = node.get("temperature");
        if (temperature == null || !temperature.isNumber()) {
            throw ProbeSuiteException.atLine(fileName, lineNo, temperature == null
                    ? "missing field 'temperature'" : "field 'temperature' must be a number");
        }
        GenerativeItem item = new GenerativeItem(text(node, "id", fileName, lineNo), text(node, "family", fileName, lineNo),
                text(node, "task", fileName, lineNo), integer(node, "seed", fileName, lineNo, true),
                text(node, "prompt", fileName, lineNo), text(node, "answer", fileName, lineNo),
                integer(node, "samples", fileName, lineNo, true), temperature.asDouble(),
                integer(node, "maxNewTokens", fileName, lineNo, true), stop,
                node.hasNonNull("metadata") ? node.get("metadata") : null);
        String problem = item.problem();
        if (problem != null) {
            throw ProbeSuiteException.atLine(fileName, lineNo, problem);
        }
        return item;
    }

    /** Parses one choice-row JSONL line; the exception names {@code fileName:lineNo}. */
    public static ProbeItem parseLine(String fileName, int lineNo, String line) {
        return choice(fileName, lineNo, object(fileName, lineNo, line));
    }

    private static JsonNode object(String fileName, int lineNo, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw ProbeSuiteException.atLine(fileName, lineNo, "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ProbeSuiteException.atLine(fileName, lineNo, "not a JSON object");
        }
        return node;
    }

    private static ProbeItem choice(String fileName, int lineNo, JsonNode node) {
        ProbeItem item = new ProbeItem(text(node, "id", fileName, lineNo), text(node, "family", fileName, lineNo),
                text(node, "task", fileName, lineNo), integer(node, "seed", fileName, lineNo, true),
                integer(node, "shots", fileName, lineNo, false), text(node, "prompt", fileName, lineNo),
                text(node, "generalizing", fileName, lineNo), text(node, "parrot", fileName, lineNo),
                node.hasNonNull("metadata") ? node.get("metadata") : null);
        String problem = item.problem();
        if (problem != null) {
            throw ProbeSuiteException.atLine(fileName, lineNo, problem);
        }
        return item;
    }

    private static String text(JsonNode node, String field, String fileName, int lineNo) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw ProbeSuiteException.atLine(fileName, lineNo, "missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw ProbeSuiteException.atLine(fileName, lineNo, "field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String field, String fileName, int lineNo, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ProbeSuiteException.atLine(fileName, lineNo, "missing field '" + field + "'");
            }
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ProbeSuiteException.atLine(fileName, lineNo, "field '" + field + "' must be an integer");
        }
        return v.asInt();
    }

    private static void checkCounts(String manifestName, Map<TaskKey, SuiteManifest.TaskEntry> declared,
                                    List<? extends SuiteRow> items) {
        Map<TaskKey, Integer> rows = new HashMap<>();
        Map<TaskKey, Set<String>> ids = new HashMap<>();
        Map<TaskKey, Set<Integer>> seeds = new HashMap<>();
        for (SuiteRow item : items) {
            TaskKey key = new TaskKey(item.family(), item.task());
            rows.merge(key, 1, Integer::sum);
            ids.computeIfAbsent(key, k -> new HashSet<>()).add(item.id());
            seeds.computeIfAbsent(key, k -> new HashSet<>()).add(item.seed());
        }
        for (var e : declared.entrySet()) {
            SuiteManifest.TaskEntry t = e.getValue();
            int r = rows.getOrDefault(e.getKey(), 0);
            int i = ids.getOrDefault(e.getKey(), Set.of()).size();
            int s = seeds.getOrDefault(e.getKey(), Set.of()).size();
            if (r != t.rows() || i != t.items() || s != t.seeds()) {
                throw new ProbeSuiteException(manifestName + ": task " + e.getKey() + " has " + r + " rows, " + i
                        + " items, " + s + " seeds; manifest says " + t.rows() + ", " + t.items() + ", " + t.seeds());
            }
        }
    }

    public SuiteManifest manifest() {
        return manifest;
    }

    public String name() {
        return manifest.name();
    }

    public String version() {
        return manifest.version();
    }

    /** All choice rows, in file order (what teacher-forced scoring reads; generative rows are not among them). */
    public List<ProbeItem> items() {
        return items;
    }

    /** Choice rows grouped by (family, task), in manifest order. */
    public Map<TaskKey, List<ProbeItem>> byTask() {
        return byTask;
    }

    /** All generative rows, in file order. */
    public List<GenerativeItem> generativeItems() {
        return generative;
    }

    /** Generative rows grouped by (family, task), in manifest order. */
    public Map<TaskKey, List<GenerativeItem>> generativeByTask() {
        return generativeByTask;
    }

    public List<String> families() {
        return manifest.tasks().stream().map(SuiteManifest.TaskEntry::family).distinct().toList();
    }

    /** A suite with only the rows of the given families (all when {@code families} is empty). */
    public ProbeSuite restrictedTo(Set<String> families) {
        if (families.isEmpty()) {
            return this;
        }
        List<SuiteManifest.TaskEntry> tasks = manifest.tasks().stream()
                .filter(t -> families.contains(t.family())).toList();
        if (tasks.isEmpty()) {
            throw new ProbeSuiteException("suite " + name() + " has none of the families " + families);
        }
        SuiteManifest m = manifest.withTasks(tasks);
        List<SuiteRow> kept = new ArrayList<>();
        items.stream().filter(i -> families.contains(i.family())).forEach(kept::add);
        generative.stream().filter(i -> families.contains(i.family())).forEach(kept::add);
        return new ProbeSuite(m, kept);
    }

    /**
     * A suite of at most {@code maxRows} rows taken evenly across the file order (row floor(i * n / maxRows)),
     * so every family and task keeps roughly its share: for quick runs and benchmarks, never for scores that
     * are compared with full-suite scores. Tasks left without rows are dropped from the manifest; generative
     * rows are left out (they are sampled, not counted in rows).
     */
    public ProbeSuite sampled(int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1: " + maxRows);
        }
        if (items.size() <= maxRows && generative.isEmpty()) {
            return this;
        }
        List<ProbeItem> kept = new ArrayList<>(maxRows);
        int n = Math.min(maxRows, items.size());
        for (int i = 0; i < n; i++) {
            kept.add(items.get((int) ((long) i * items.size() / n)));
        }
        Set<TaskKey> present = new java.util.HashSet<>();
        kept.forEach(i -> present.add(new TaskKey(i.family(), i.task())));
        List<SuiteManifest.TaskEntry> tasks = manifest.tasks().stream()
                .filter(t -> !t.generative() && present.contains(new TaskKey(t.family(), t.task()))).toList();
        SuiteManifest m = manifest.withTasks(tasks);
        return new ProbeSuite(m, kept);
    }

    @Override
    public String toString() {
        return "ProbeSuite[" + name() + " " + version() + ", " + (byTask.size() + generativeByTask.size()) + " tasks, "
                + (items.size() + generative.size()) + " rows]";
    }
}
