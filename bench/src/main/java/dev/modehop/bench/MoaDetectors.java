package dev.modehop.bench;

import dev.modehop.core.BayesianOnlineChangePoint;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import moa.classifiers.core.driftdetection.ADWINChangeDetector;
import moa.classifiers.core.driftdetection.ChangeDetector;
import moa.classifiers.core.driftdetection.HDDM_A_Test;
import moa.classifiers.core.driftdetection.PageHinkleyDM;

/**
 * Drift detectors of the MOA library run as change-point detectors on a generic series, each with MOA's
 * default options, so the benchmark can say whether one of them should replace modehop's own. They are
 * built for streams of bounded values (ADWIN's and HDDM's bounds assume [0, 1]) or of a known scale (Page-
 * Hinkley's lambda is in the input's units), so each series is first scaled as the detector expects, from
 * the whole series (which favours them: an online detector would not know the range). A change point is
 * the index at which the detector signals; Page-Hinkley is one-sided, so it runs on the series and on its
 * negation. DDM and EDDM are left out: they read a stream of 0/1 classification errors.
 */
final class MoaDetectors {
    private MoaDetectors() {
    }

    /** ADWIN (delta 0.002) on values scaled to [0, 1] by the series' range. */
    static List<Integer> adwin(double[] values) {
        return alarms(unitRange(values), () -> prepared(new ADWINChangeDetector()));
    }

    /** HDDM with A-test (drift confidence 0.001, two-sided) on values scaled to [0, 1]. */
    static List<Integer> hddmA(double[] values) {
        return alarms(unitRange(values), () -> prepared(new HDDM_A_Test()));
    }

    /** Page-Hinkley (30 warm-up values, delta 0.005, lambda 50, alpha 0.9999), both directions, on standardized values. */
    static List<Integer> pageHinkley(double[] values) {
        double[] z = BayesianOnlineChangePoint.standardized(values);
        double[] negated = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            negated[i] = -z[i];
        }
        ChangeDetector up = prepared(new PageHinkleyDM());
        ChangeDetector down = prepared(new PageHinkleyDM());
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < z.length; i++) {
            up.input(z[i]);
            down.input(negated[i]);
            if (up.getChange() || down.getChange()) {
                out.add(i);
                // One alarm restarts both sides, as one two-sided test would.
                up.resetLearning();
                down.resetLearning();
            }
        }
        return out;
    }

    private static List<Integer> alarms(double[] values, Supplier<ChangeDetector> detector) {
        ChangeDetector d = detector.get();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            d.input(values[i]);
            if (d.getChange()) {
                out.add(i);
            }
        }
        return out;
    }

    private static <T extends ChangeDetector> T prepared(T detector) {
        detector.prepareForUse();
        return detector;
    }

    private static double[] unitRange(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double range = max > min ? max - min : 1;
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (values[i] - min) / range;
        }
        return out;
    }
}
