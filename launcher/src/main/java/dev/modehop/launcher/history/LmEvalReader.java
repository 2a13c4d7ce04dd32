package dev.modehop.launcher.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.core.OfflineDetection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * lm-evaluation-harness result files, both layouts:
 * <ul>
 *   <li>0.4.x: {@code <output_path>/<model>/results_<timestamp>.json}, metrics keyed {@code "acc,none"} /
 *   {@code "acc_stderr,none"} (stderr may be {@code "N/A"}), group aggregates in {@code groups} and
 *   {@code group_subtasks}, item counts in {@code n-samples}, {@code config.model_args} a string or an
 *   object, {@code config.model_revision};</li>
 *   <li>0.3 and older: one file per checkpoint, metrics keyed {@code "acc"} / {@code "acc_stderr"}.</li>
 * </ul>
 * Each task becomes the series {@code lm-eval/<task>} (with {@code @<filter>} when no filter was chosen
 * and the metric has several). The step comes from the revision ({@code step1000},
 * {@code stage1-step1000-tokens4B}), else from the model path or folder ({@code checkpoint-1000},
 * {@code global_step1000}, {@code iter_0001000}), else from the file name. When several files hold the
 * same task at the same step, the newest file wins (re-evaluations replace older results).
 */
public final class LmEvalReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STEP = Pattern.compile("(?i)(?:step|checkpoint|ckpt|iter)[_-]?0*(\\d+)");
    private static final Pattern REVISION_ARG = Pattern.compile("(?:^|,)\\s*revision=([^,]+)");
    private static final Pattern PRETRAINED_ARG = Pattern.compile("(?:^|,)\\s*pretrained=([^,]+)");
    private static final Pattern RESULTS_TIMESTAMP = Pattern.compile("^results_(.+)\\.json$");
    /** Metrics that are a fraction of items answered right, so item counts give their binomial noise. */
    private static final Set<String> PER_ITEM_FRACTIONS = Set.of("acc", "acc_norm", "exact_match");

    /**
     * Which value of each task to read.
     *
     * @param metric the metric name ({@code acc}, {@code acc_norm}, {@code exact_match}, ...)
     * @param filter lm-eval 0.4's filter ({@code none}, {@code strict-match}, ...); null: {@code none} where
     *               present, else every filter as its own series
     * @param groups keep group aggregates ({@code mmlu}, {@code mmlu_stem}) as their own series; by default
     *               they are left out, their subtasks stand for them
     */
    public record Options(String metric, String filter, boolean groups) {
        public static Options defaults() {
            return new Options("acc", null, false);
        }

        /** {@code METRIC} or {@code METRIC,FILTER}, as lm-eval 0.4 spells its keys. */
        public static Options parse(String spec, boolean groups) {
            String s = spec.strip();
            int comma = s.indexOf(',');
            String metric = comma < 0 ? s : s.substring(0, comma).strip();
            String filter = comma < 0 ? null : s.substring(comma + 1).strip();
            if (metric.isEmpty() || (filter != null && filter.isEmpty())) {
                throw new IllegalArgumentException("--metric must be METRIC or METRIC,FILTER (e.g. acc, acc_norm, "
                        + "exact_match,strict-match), got '" + spec + "'");
            }
            return new Options(metric, filter, groups);
        }

        String describe() {
            return "'" + metric + (filter == null ? "" : "," + filter) + "'";
        }
    }

    private LmEvalReader() {
    }

    /** Whether this reader should take the input: a folder, or a single JSON file. */
    public static boolean accepts(Path input) {
        return Files.isDirectory(input) || input.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                .endsWith(".json");
    }

    /** A result file, a folder of them, or an lm-eval 0.4 output folder with one sub-folder per model. */
    public static History read(Path input, Options options) throws HistoryException {
        List<Path> files = resultFiles(input);
        Map<String, Newest> newest = new LinkedHashMap<>();
        Set<String> metricsSeen = new TreeSet<>();
        for (Path f : files) {
            ResultFile file = ResultFile.read(f);
            for (OfflineDetection.Point p : file.points(options, metricsSeen)) {
                String key = p.series() + "\u0000" + p.step();
                Newest old = newest.get(key);
                if (old == null || file.age().compareTo(old.age) > 0) {
                    newest.put(key, new Newest(p, file.age()));
                }
            }
        }
        if (newest.isEmpty()) {
            throw new HistoryException(input + ": no task has the metric " + options.describe() + " in "
                    + files.size() + " result file(s); metrics found: "
                    + (metricsSeen.isEmpty() ? "none" : String.join(", ", metricsSeen))
                    + " (choose one with --metric)");
        }
        List<OfflineDetection.Point> points = new ArrayList<>();
        newest.values().forEach(n -> points.add(n.point));
        return new History(input.toString(), points);
    }

    private record Newest(OfflineDetection.Point point, Age age) {
    }

    /** Newer results win: by the timestamp lm-eval puts in the file name, then by modification time. */
    private record Age(String stamp, long modified) implements Comparable<Age> {
        @Override
        public int compareTo(Age o) {
            int c = stamp.compareTo(o.stamp);
            return c != 0 ? c : Long.compare(modified, o.modified);
        }
    }

    static List<Path> resultFiles(Path input) throws HistoryException {
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        // Depth 2: lm-eval 0.4 nests its files one folder down, under the sanitized model name.
        try (Stream<Path> s = Files.walk(input, 2)) {
            List<Path> files = s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
            if (files.isEmpty()) {
                throw new HistoryException(input + ": no lm-eval result files (*.json, or <model>/results_*.json)"
                        + " in this folder");
            }
            return files;
        } catch (IOException e) {
            throw new HistoryException(input + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** One parsed result file. */
    private record ResultFile(Path path, JsonNode root, long step, Age age) {
        static ResultFile read(Path f) throws HistoryException {
            JsonNode root;
            try {
                root = JSON.readTree(f.toFile());
            } catch (IOException e) {
                throw new HistoryException(f + ": not valid JSON: " + e.getMessage(), e);
            }
            if (root == null || !root.path("results").isObject() || root.path("results").isEmpty()) {
                throw new HistoryException(f + ": no 'results' object (is this an lm-eval-harness result file?)");
            }
            Matcher stamp = RESULTS_TIMESTAMP.matcher(f.getFileName().toString());
            long modified;
            try {
                modified = Files.getLastModifiedTime(f).toMillis();
            } catch (IOException e) {
                modified = 0;
            }
            return new ResultFile(f, root, stepOf(f, root), new Age(stamp.matches() ? stamp.group(1) : "", modified));
        }

        List<OfflineDetection.Point> points(Options options, Set<String> metricsSeen) {
            Set<String> groupNames = groupNames(root);
            Map<String, JsonNode> tasks = new LinkedHashMap<>();
            root.path("results").fields().forEachRemaining(e -> tasks.put(e.getKey(), e.getValue()));
            if (options.groups()) {
                root.path("groups").fields().forEachRemaining(e -> tasks.putIfAbsent(e.getKey(), e.getValue()));
            }
            List<OfflineDetection.Point> out = new ArrayList<>();
            for (Map.Entry<String, JsonNode> task : tasks.entrySet()) {
                if (!options.groups() && groupNames.contains(task.getKey())) {
                    continue;
                }
                Map<String, Double> stderrByFilter = new HashMap<>();
                Map<String, Double> valueByFilter = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = task.getValue().fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> m = it.next();
                    String key = m.getKey();
                    int comma = key.indexOf(',');
                    String name = comma < 0 ? key : key.substring(0, comma);
                    String filter = comma < 0 ? "none" : key.substring(comma + 1);
                    if (!m.getValue().isNumber()) {
                        continue;
                    }
                    if (name.equals(options.metric() + "_stderr")) {
                        stderrByFilter.put(filter, m.getValue().asDouble());
                    } else if (name.equals(options.metric())) {
                        valueByFilter.put(filter, m.getValue().asDouble());
                    } else if (!name.endsWith("_stderr")) {
                        metricsSeen.add(comma < 0 || filter.equals("none") ? name : key);
                    }
                }
                for (String filter : chosenFilters(valueByFilter.keySet(), options.filter())) {
                    double value = valueByFilter.get(filter);
                    Double stderr = stderrByFilter.get(filter);
                    String series = "lm-eval/" + task.getKey()
                            + (filter.equals("none") || options.filter() != null ? "" : "@" + filter);
                    out.add(new OfflineDetection.Point(series, step, value, null,
                            stderr != null ? stderr : stderrFromItemCount(task.getKey(), value, options.metric())));
                }
            }
            return out;
        }

        /**
         * lm-eval writes "N/A" for the stderr when it skips bootstrapping; for a fraction of items the
         * binomial standard error from {@code n-samples} is what the harness would have reported.
         */
        private double stderrFromItemCount(String task, double value, String metric) {
            JsonNode n = root.path("n-samples").path(task).path("effective");
            if (!n.isNumber() || n.asInt() <= 0 || !PER_ITEM_FRACTIONS.contains(metric) || value < 0 || value > 1) {
                return Double.NaN;
            }
            int items = n.asInt();
            // Half an item of smoothing keeps a perfect score from claiming zero noise.
            double q = (value * items + 0.5) / (items + 1);
            return Math.sqrt(q * (1 - q) / items);
        }
    }

    private static List<String> chosenFilters(Set<String> present, String wanted) {
        if (wanted != null) {
            return present.contains(wanted) ? List.of(wanted) : List.of();
        }
        return present.contains("none") ? List.of("none") : List.copyOf(present);
    }

    /** Aggregates, not tasks: every name in {@code groups} and every {@code group_subtasks} entry with members. */
    static Set<String> groupNames(JsonNode root) {
        Set<String> names = new LinkedHashSet<>();
        root.path("groups").fieldNames().forEachRemaining(names::add);
        root.path("group_subtasks").fields().forEachRemaining(e -> {
            if (e.getValue().isArray() && !e.getValue().isEmpty()) {
                names.add(e.getKey());
            }
        });
        return names;
    }

    static long stepOf(Path f, JsonNode root) throws HistoryException {
        JsonNode config = root.path("config");
        JsonNode args = config.path("model_args");
        List<String> candidates = new ArrayList<>();
        candidates.add(argument(args, "revision", REVISION_ARG));
        candidates.add(config.path("model_revision").asText(null));
        candidates.add(root.path("model_revision").asText(null));
        candidates.add(lastSegment(argument(args, "pretrained", PRETRAINED_ARG)));
        candidates.add(lastSegment(root.path("model_name").asText(null)));
        candidates.add(root.path("model_name_sanitized").asText(null));
        Path parent = f.getParent();
        candidates.add(parent == null || parent.getFileName() == null ? null : parent.getFileName().toString());
        candidates.add(f.getFileName().toString());
        for (String c : candidates) {
            if (c == null) {
                continue;
            }
            Matcher m = STEP.matcher(c);
            if (m.find()) {
                try {
                    return Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    throw new HistoryException(f + ": step number out of range in '" + c + "'");
                }
            }
        }
        throw new HistoryException(f + ": cannot tell the checkpoint step (none of config.model_args revision or "
                + "pretrained, config.model_revision, model_name, the folder name or the file name has stepN, "
                + "checkpoint-N, global_stepN or iter_N)");
    }

    /** {@code model_args} is a "k=v,k=v" string in most runs and an object when given as JSON or from Python. */
    private static String argument(JsonNode args, String name, Pattern inString) {
        if (args.isObject()) {
            JsonNode v = args.path(name);
            return v.isValueNode() ? v.asText() : null;
        }
        Matcher m = inString.matcher(args.asText(""));
        return m.find() ? m.group(1).strip() : null;
    }

    /** The checkpoint is the last folder of a model path; earlier folders may hold unrelated numbers. */
    private static String lastSegment(String path) {
        if (path == null) {
            return null;
        }
        String trimmed = path.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        return slash < 0 ? trimmed : trimmed.substring(slash + 1);
    }
}
