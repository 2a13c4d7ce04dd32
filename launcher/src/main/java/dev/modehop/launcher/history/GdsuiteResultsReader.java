package dev.modehop.launcher.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.core.OfflineDetection;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * GDsuite's result folders as a history: a folder holding one output folder per checkpoint,
 * {@code <model>_<revision>/<family>/<task>.json} (tasks may be nested), the step from {@code step<N>} in the
 * folder name and the training tokens from {@code tokens<N>B}.
 *
 * <p>Per (family, task) and checkpoint: hard accuracy = share of (seed, row) pairs with
 * {@code correct_avg_prob > incorrect_avg_prob} (strict, as GDsuite), the mean probability margin, the mean
 * log-probability margin (NaN unless every row has {@code correct_log_prob} and {@code incorrect_log_prob}), items = test rows per seed (the most any seed has) and the seed count; series
 * {@code <family>/<task>} with {@code /} of nested tasks as {@code .}. Persona QA's {@code <persona>_summary.json}
 * ({@code {seed: {question: match_rate}}}) becomes the series {@code <family>/<persona>}: the mean match rate,
 * without item counts (a rate, not a binary choice), its stderr over questions.
 *
 * <p>A file that cannot be used (corrupt JSON, missing fields) skips that task of that checkpoint with a
 * warning naming the file; a task that other checkpoints have and this one lacks is warned about too. A
 * folder without any usable checkpoint is an error.
 */
public final class GdsuiteResultsReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STEP = Pattern.compile("step(\\d+)");
    private static final Pattern TOKENS = Pattern.compile("tokens(\\d+)B");
    private static final String SUMMARY = "_summary.json";
    private static final String FULL = "_full.json";

    private GdsuiteResultsReader() {
    }

    /** True when {@code dir} holds folders of family folders of JSON files: GDsuite's output layout. */
    public static boolean looksLike(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> checkpoints = Files.list(dir)) {
            return checkpoints.filter(Files::isDirectory).anyMatch(c -> {
                try (Stream<Path> families = Files.list(c)) {
                    return families.filter(Files::isDirectory).anyMatch(GdsuiteResultsReader::hasJson);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasJson(Path folder) {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p));
        } catch (IOException e) {
            return false;
        }
    }

    /** One checkpoint folder: its step, its tokens when named, and its result file per series. */
    private record Checkpoint(Path folder, long step, Long tokens, Map<String, Path> files) {
    }

    public static History read(Path dir, PrintStream warnings) throws HistoryException {
        List<Path> folders;
        try (Stream<Path> s = Files.list(dir)) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new HistoryException(dir + ": cannot list: " + e.getMessage(), e);
        }
        Map<Long, Checkpoint> byStep = new TreeMap<>();
        for (Path folder : folders) {
            String name = folder.getFileName().toString();
            Matcher m = STEP.matcher(name);
            if (!m.find()) {
                warnings.println("modehop: warning: " + folder + ": no 'step<N>' in the folder name, skipped");
                continue;
            }
            long step = Long.parseLong(m.group(1));
            Matcher t = TOKENS.matcher(name);
            Long tokens = t.find() ? Long.parseLong(t.group(1)) * 1_000_000_000L : null;
            Checkpoint c = new Checkpoint(folder, step, tokens, files(folder));
            Checkpoint previous = byStep.put(step, c);
            if (previous != null) {
                throw new HistoryException(dir + ": two checkpoint folders for step " + step + ": "
                        + previous.folder().getFileName() + " and " + name + " (one model per history folder)");
            }
        }
        Set<String> allSeries = new TreeSet<>();
        byStep.values().forEach(c -> allSeries.addAll(c.files().keySet()));

        List<OfflineDetection.Point> points = new ArrayList<>();
        Map<OfflineDetection.Point, History.ProbeDetail> details = new HashMap<>();
        Map<Long, Long> tokensSeen = new HashMap<>();
        int usable = 0;
        for (Checkpoint c : byStep.values()) {
            int before = points.size();
            for (String series : allSeries) {
                Path file = c.files().get(series);
                if (file == null) {
                    warnings.println("modehop: warning: " + c.folder() + ": no result file for " + series + ", skipped");
                    continue;
                }
                try {
                    if (file.getFileName().toString().endsWith(SUMMARY)) {
                        points.add(persona(file, series, c.step()));
                    } else {
                        Task task = task(file);
                        OfflineDetection.Point p = new OfflineDetection.Point(series, c.step(), task.hard(), task.items(),
                                Double.NaN);
                        int slash = series.indexOf('/');
                        details.put(p, new History.ProbeDetail(series.substring(0, slash), series.substring(slash + 1),
                                task.seeds(), task.margin(), task.logProbMargin()));
                        points.add(p);
                    }
                } catch (HistoryException e) {
                    warnings.println("modehop: warning: " + e.getMessage() + "; " + series + " at step " + c.step()
                            + " skipped");
                }
            }
            if (points.size() > before) {
                usable++;
                if (c.tokens() != null) {
                    tokensSeen.put(c.step(), c.tokens());
                }
            } else {
                warnings.println("modehop: warning: " + c.folder() + ": no usable result file, checkpoint skipped");
            }
        }
        if (usable == 0) {
            throw new HistoryException(dir + ": no usable GDsuite checkpoint folder (expected <model>_<revision with"
                    + " stepN>/<family>/<task>.json)");
        }
        return new History(dir.toString(), points, details, tokensSeen);
    }

    /** Series name -> result file of one checkpoint folder. */
    private static Map<String, Path> files(Path checkpoint) throws HistoryException {
        Map<String, Path> out = new LinkedHashMap<>();
        List<Path> families;
        try (Stream<Path> s = Files.list(checkpoint)) {
            families = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new HistoryException(checkpoint + ": cannot list: " + e.getMessage(), e);
        }
        for (Path family : families) {
            List<Path> jsons;
            try (Stream<Path> s = Files.walk(family)) {
                jsons = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")).sorted()
                        .toList();
            } catch (IOException e) {
                throw new HistoryException(family + ": cannot list: " + e.getMessage(), e);
            }
            for (Path f : jsons) {
                String rel = family.relativize(f).toString().replace('\\', '/');
                if (rel.endsWith(FULL)) {
                    continue;
                }
                String task = rel.endsWith(SUMMARY) ? rel.substring(0, rel.length() - SUMMARY.length())
                        : rel.substring(0, rel.length() - ".json".length());
                out.put(family.getFileName() + "/" + task.replace('/', '.'), f);
            }
        }
        return out;
    }

    private record Task(double hard, int items, int seeds, double margin, double logProbMargin) {
    }

    static Task task(Path file) throws HistoryException {
        JsonNode rows = readJson(file);
        if (!rows.isArray() || rows.isEmpty()) {
            throw new HistoryException(file + ": expected a non-empty JSON list of scored rows");
        }
        int wins = 0;
        double margin = 0;
        double logMargin = 0;
        Map<Integer, Integer> perSeed = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            double c = number(file, i, r, "correct_avg_prob");
            double w = number(file, i, r, "incorrect_avg_prob");
            // the log-probabilities are optional: a file without them still gives hard accuracy and margin
            boolean logs = r.has("correct_log_prob") || r.has("incorrect_log_prob");
            double cl = logs ? number(file, i, r, "correct_log_prob") : Double.NaN;
            double wl = logs ? number(file, i, r, "incorrect_log_prob") : Double.NaN;
            JsonNode seed = r.get("seed");
            if (seed == null || !seed.canConvertToInt()) {
                throw new HistoryException(file + ": row " + i + ": missing integer 'seed'");
            }
            perSeed.merge(seed.asInt(), 1, Integer::sum);
            if (c > w) {
                wins++;
            }
            margin += c - w;
            logMargin += cl - wl;
        }
        int n = rows.size();
        int items = perSeed.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new Task((double) wins / n, items, perSeed.size(), margin / n, logMargin / n);
    }

    private static OfflineDetection.Point persona(Path file, String series, long step) throws HistoryException {
        JsonNode root = readJson(file);
        if (!root.isObject() || root.isEmpty()) {
            throw new HistoryException(file + ": expected {seed: {question_id: match_rate}}");
        }
        Map<String, List<Double>> perQuestion = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> seeds = root.fields();
        while (seeds.hasNext()) {
            Map.Entry<String, JsonNode> seed = seeds.next();
            if (!seed.getValue().isObject()) {
                throw new HistoryException(file + ": seed " + seed.getKey() + ": expected {question_id: match_rate}");
            }
            Iterator<Map.Entry<String, JsonNode>> qs = seed.getValue().fields();
            while (qs.hasNext()) {
                Map.Entry<String, JsonNode> q = qs.next();
                if (!q.getValue().isNumber() || q.getValue().asDouble() < 0 || q.getValue().asDouble() > 1) {
                    throw new HistoryException(file + ": seed " + seed.getKey() + ", question " + q.getKey()
                            + ": match rate must be a number in [0, 1]");
                }
                perQuestion.computeIfAbsent(q.getKey(), k -> new ArrayList<>()).add(q.getValue().asDouble());
            }
        }
        if (perQuestion.isEmpty()) {
            throw new HistoryException(file + ": no match rates");
        }
        double[] means = perQuestion.values().stream()
                .mapToDouble(v -> v.stream().mapToDouble(Double::doubleValue).average().orElse(0)).toArray();
        double mean = java.util.Arrays.stream(means).average().orElse(0);
        double stderr = Double.NaN;
        if (means.length >= 2) {
            double ss = 0;
            for (double m : means) {
                ss += (m - mean) * (m - mean);
            }
            stderr = Math.sqrt(ss / (means.length - 1) / means.length);
        }
        return new OfflineDetection.Point(series, step, mean, null, stderr);
    }

    private static JsonNode readJson(Path file) throws HistoryException {
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new HistoryException(file + ":" + (e.getLocation() == null ? 1 : e.getLocation().getLineNr())
                    + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new HistoryException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static double number(Path file, int row, JsonNode r, String field) throws HistoryException {
        JsonNode v = r.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new HistoryException(file + ": row " + row + ": missing or non-numeric '" + field + "'");
        }
        return v.asDouble();
    }
}
