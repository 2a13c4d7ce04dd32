package dev.modehop.launcher.history;

import dev.modehop.core.OfflineDetection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads recorded histories: the {@code detect} CSV format, lm-eval-harness results ({@link LmEvalReader}) and GDsuite result folders ({@link GdsuiteResultsReader}). */
public final class HistoryReader {
    private HistoryReader() {
    }

    /** A CSV file, lm-eval results (0.4 or older), or a folder of GDsuite result folders; lm-eval's default metric. */
    public static History read(Path input) throws HistoryException {
        return read(input, LmEvalReader.Options.defaults());
    }

    /** A CSV file or an lm-eval folder (or a single lm-eval JSON file), the lm-eval metric chosen. */
    public static History read(Path input, LmEvalReader.Options lmEval) throws HistoryException {
        if (!Files.exists(input)) {
            throw new HistoryException(input + ": no such file or folder");
        }
        if (Files.isDirectory(input) && GdsuiteResultsReader.looksLike(input)) {
            return GdsuiteResultsReader.read(input, System.err);
        }
        if (LmEvalReader.accepts(input)) {
            return LmEvalReader.read(input, lmEval);
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

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
