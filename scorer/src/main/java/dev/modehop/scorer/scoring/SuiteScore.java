package dev.modehop.scorer.scoring;

import java.util.List;

/**
 * One checkpoint scored on one suite.
 *
 * @param sequences forward-pass rows run (fewer than 2 x rows when one-token answers share a sequence)
 * @param tokens    input tokens fed, padding excluded
 */
public record SuiteScore(String suite, String suiteVersion, List<TaskScore> tasks, List<ItemScore> rows,
                         long sequences, long tokens, double seconds) {

    public SuiteScore {
        tasks = List.copyOf(tasks);
        rows = List.copyOf(rows);
    }

    public double itemsPerSecond() {
        return seconds > 0 ? rows.size() / seconds : 0;
    }

    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }
}
