package dev.modehop.scorer.scoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows to per-(family, task) scores; see {@link TaskScore} for the definitions. Tasks keep first-seen order. */
public final class ScoreAggregator {
    private ScoreAggregator() {
    }

    public static List<TaskScore> aggregate(List<ItemScore> rows) {
        Map<String, Map<String, List<ItemScore>>> byTask = new LinkedHashMap<>();
        for (ItemScore r : rows) {
            String key = r.item().family() + "/" + r.item().task();
            byTask.computeIfAbsent(key, k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.item().id(), k -> new ArrayList<>()).add(r);
        }
        List<TaskScore> out = new ArrayList<>();
        for (Map<String, List<ItemScore>> questions : byTask.values()) {
            int n = questions.size();
            double[] hard = new double[n];
            double softSum = 0;
            double logSum = 0;
            int seedCount = 0;
            int rowCount = 0;
            int q = 0;
            ItemScore first = null;
            for (List<ItemScore> seeds : questions.values()) {
                double h = 0;
                double s = 0;
                double l = 0;
                for (ItemScore r : seeds) {
                    h += r.hard();
                    s += r.soft();
                    l += r.logProbMargin();
                    first = first == null ? r : first;
                }
                hard[q++] = h / seeds.size();
                softSum += s / seeds.size();
                logSum += l / seeds.size();
                seedCount = Math.max(seedCount, seeds.size());
                rowCount += seeds.size();
            }
            double mean = mean(hard);
            out.add(new TaskScore(first.item().family(), first.item().task(), n, seedCount, rowCount, mean,
                    softSum / n, standardError(hard, mean), logSum / n));
        }
        return out;
    }

    public static double mean(double[] perQuestion) {
        double sum = 0;
        for (double v : perQuestion) {
            sum += v;
        }
        return sum / perQuestion.length;
    }

    /**
     * Standard error of the mean of per-question values: sample standard deviation / sqrt(questions), questions
     * being the independent units (seeds or samples of one question are not). NaN below 2 questions.
     */
    public static double standardError(double[] perQuestion, double mean) {
        int n = perQuestion.length;
        if (n < 2) {
            return Double.NaN;
        }
        double ss = 0;
        for (double v : perQuestion) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    }
}
