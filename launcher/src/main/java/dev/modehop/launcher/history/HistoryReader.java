package dev.modehop.launcher.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.core.OfflineDetection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads recorded histories: the {@code detect} CSV format and lm-eval-harness result folders. */
public final class HistoryReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REVISION_STEP = Pattern.compile("revision=step(\\d+)");
    private static final Pattern FILE_STEP = Pattern.compile("step[_-]?(\\d+)");

    private HistoryReader() {
    }

    /** A CSV file, an lm-eval folder (or a single lm-eval JSON file), or a folder of GDsuite result folders. */
    public static History read(Path input) throws HistoryException {
        if (!Files.exists(input)) {
            throw new HistoryException(input + ": no such file or folder");
        }
        if (Files.isDirectory(input)) {
            if (GdsuiteResultsReader.looksLike(input)) {
                return GdsuiteResultsReader.read(input, System.err);
            }
            return readLmEvalFolder(input);
        }
        String name = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return new History(input.toString(), readLmEvalFile(input));
        }
        return readCsv(input);
    }

    public static History readCsv(Path file) throws HistoryException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new HistoryException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new HistoryException(file + ": empty file (expected a header 'series,step,score[,n]')");
        }
        String[] header = lines.get(0).strip().toLowerCase(Locale.ROOT).split("\\s*,\\s*");
        int series = indexOf(header, "series");
        int step = indexOf(header, "step");
        int score = indexOf(header, "score");
        int n = indexOf(header, "n");
        int stderr = indexOf(header, "stderr");
        if (series < 0 || step < 0 || score < 0) {
            throw new HistoryException(file + ":1: header must name series, step and score (and optionally n, stderr), got '"
                    + lines.get(0) + "'");
        }
        List<OfflineDetection.Point> points = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\\s*,\\s*", -1);
            String where = file + ":" + (i + 1) + ": ";
            if (cells.length < header.length) {
                throw new HistoryException(where + "expected " + header.length + " columns, got " + cells.length);
            }
            try {
                long s = Long.parseLong(cells[step]);
                double v = Double.parseDouble(cells[score]);
                Integer items = n >= 0 && !cells[n].isEmpty() ? Integer.valueOf(cells[n]) : null;
                double se = stderr >= 0 && !cells[stderr].isEmpty() ? Double.parseDouble(cells[stderr]) : Double.NaN;
                if (s < 0) {
                    throw new HistoryException(where + "negative step " + s);
                }
                if (!Double.isFinite(v)) {
                    throw new HistoryException(where + "score is not a finite number: " + cells[score]);
                }
                if (items != null && (items <= 0 || v < 0 || v > 1)) {
                    throw new HistoryException(where + "with n, score must be a fraction in [0, 1] and n > 0");
                }
                points.add(new OfflineDetection.Point(cells[series], s, v, items, se));
            } catch (NumberFormatException e) {
                throw new HistoryException(where + "not a number: " + e.getMessage());
            }
        }
        if (points.isEmpty()) {
            throw new HistoryException(file + ": no data rows");
        }
        return new History(file.toString(), points);
    }

    public static History readLmEvalFolder(Path dir) throws HistoryException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new HistoryException(dir + ": cannot list: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new HistoryException(dir + ": no lm-eval result files (*.json) in this folder");
        }
        List<OfflineDetection.Point> points = new ArrayList<>();
        for (Path f : files) {
            points.addAll(readLmEvalFile(f));
        }
        return new History(dir.toString(), points);
    }

    /** One lm-eval-harness result file: {@code results.<task>.acc} and {@code acc_stderr} become series "lm-eval/<task>". */
    static List<OfflineDetection.Point> readLmEvalFile(Path f) throws HistoryException {
        JsonNode root;
        try {
            root = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new HistoryException(f + ": not valid JSON: " + e.getMessage(), e);
        }
        JsonNode results = root.path("results");
        if (!results.isObject() || results.isEmpty()) {
            throw new HistoryException(f + ": no 'results' object (is this an lm-eval-harness result file?)");
        }
        long step = stepOf(f, root);
        List<OfflineDetection.Point> points = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = results.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> task = it.next();
            JsonNode acc = task.getValue().path("acc");
            if (!acc.isNumber()) {
                continue;
            }
            JsonNode se = task.getValue().path("acc_stderr");
            points.add(new OfflineDetection.Point("lm-eval/" + task.getKey(), step, acc.asDouble(), null,
                    se.isNumber() ? se.asDouble() : Double.NaN));
        }
        if (points.isEmpty()) {
            throw new HistoryException(f + ": no task with an 'acc' value");
        }
        return points;
    }

    static long stepOf(Path f, JsonNode root) throws HistoryException {
        Matcher m = REVISION_STEP.matcher(root.path("config").path("model_args").asText(""));
        if (m.find()) {
            return Long.parseLong(m.group(1));
        }
        Matcher byName = FILE_STEP.matcher(f.getFileName().toString());
        if (byName.find()) {
            return Long.parseLong(byName.group(1));
        }
        throw new HistoryException(f + ": cannot tell the checkpoint step (no 'revision=stepN' in config.model_args"
                + " and no 'stepN' in the file name)");
    }

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
