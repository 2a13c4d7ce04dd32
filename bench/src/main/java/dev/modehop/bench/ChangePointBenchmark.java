package dev.modehop.bench;

import dev.modehop.core.AnnotatedSeries;
import dev.modehop.core.BayesianOnlineChangePoint;
import dev.modehop.core.Cusum;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.OfflineDetection;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The generic change-point detector on annotated series without item counts ({@link AnnotatedSeries}:
 * random walks with level shifts, seasonal with and without breaks, trends with slope changes, outliers
 * and heavy tails that are not changes, plain noise), against no change points, a plain CUSUM, a
 * Bayesian online change-point detector and MOA's drift detectors ({@link MoaDetectors}): mean F1
 * (5-point margin) and covering per kind of series.
 */
public final class ChangePointBenchmark {
    private ChangePointBenchmark() {
    }

    public static void main(String[] args) {
        int perKind = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 2026;
        List<AnnotatedSeries.Series> series = AnnotatedSeries.generate(seed, perKind);
        OfflineDetection detection = new OfflineDetection(MonitorConfig.defaults());
        Cusum cusum = new Cusum(0.5, 5, 5);
        BayesianOnlineChangePoint bocpd = new BayesianOnlineChangePoint();
        Map<String, Function<double[], List<Integer>>> detectors = new LinkedHashMap<>();
        detectors.put("none", v -> List.of());
        detectors.put("CUSUM (k 0.5, h 5)", v -> cusum.alarms(v, Double.NaN));
        detectors.put("BOCPD (hazard 1/100)", bocpd::changePoints);
        detectors.put("MOA ADWIN", MoaDetectors::adwin);
        detectors.put("MOA Page-Hinkley", MoaDetectors::pageHinkley);
        detectors.put("MOA HDDM-A", MoaDetectors::hddmA);
        detectors.put("modehop", v -> detect(detection, v));
        System.out.printf(Locale.ROOT, "## %d annotated series (%d per kind, 20-800 points, seed %d): mean F1 (margin 5)"
                + " / mean covering%n", series.size(), perKind, seed);
        StringBuilder header = new StringBuilder("| series | changes |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String name : detectors.keySet()) {
            header.append(' ').append(name).append(" |");
            rule.append("---|");
        }
        System.out.println(header);
        System.out.println(rule);
        Map<String, double[]> overall = new LinkedHashMap<>();
        Map<AnnotatedSeries.Kind, List<AnnotatedSeries.Series>> byKind = new EnumMap<>(AnnotatedSeries.Kind.class);
        for (AnnotatedSeries.Series s : series) {
            byKind.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(s);
        }
        long[] alarms = new long[detectors.size()];
        for (var e : byKind.entrySet()) {
            int changes = e.getValue().stream().mapToInt(s -> s.changes().size()).sum();
            StringBuilder row = new StringBuilder("| " + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + " | " + changes + " |");
            int d = 0;
            for (var det : detectors.entrySet()) {
                double f1 = 0;
                double cover = 0;
                for (AnnotatedSeries.Series s : e.getValue()) {
                    List<Integer> found = det.getValue().apply(s.values());
                    alarms[d] += found.size();
                    f1 += AnnotatedSeries.f1(s.changes(), found, 5);
                    cover += AnnotatedSeries.covering(s.changes(), found, s.values().length);
                }
                double[] o = overall.computeIfAbsent(det.getKey(), k -> new double[2]);
                o[0] += f1;
                o[1] += cover;
                row.append(String.format(Locale.ROOT, " %.3f / %.3f |", f1 / e.getValue().size(), cover / e.getValue().size()));
                d++;
            }
            System.out.println(row);
        }
        int total = series.stream().mapToInt(s -> s.changes().size()).sum();
        StringBuilder row = new StringBuilder("| all | " + total + " |");
        for (double[] o : overall.values()) {
            row.append(String.format(Locale.ROOT, " **%.3f / %.3f** |", o[0] / series.size(), o[1] / series.size()));
        }
        System.out.println(row);
        StringBuilder count = new StringBuilder("| change points reported | " + total + " |");
        for (long a : alarms) {
            count.append(' ').append(a).append(" |");
        }
        System.out.println(count);
    }

    static List<Integer> detect(OfflineDetection detection, double[] values) {
        List<OfflineDetection.Point> points = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            points.add(new OfflineDetection.Point("s", i, values[i], null, Double.NaN));
        }
        return detection.detect(points).stream().map(OfflineDetection.DetectedHop::index).toList();
    }
}
