package dev.modehop.scorer.scoring;

import java.util.List;

/**
 * One checkpoint scored on one suite.
 *
 * @param sequences forward-pass rows run (fewer than 2 x rows when one-token answers share a sequence)
 * @param tokens    input tokens fed, padding excluded
 * @param overflows per task, the rows refused for exceeding the model's context (empty when every row fit)
 */
public record SuiteScore(String suite, String suiteVersion, List<TaskScore> tasks, List<ItemScore> rows,
                         long sequences, long tokens, double seconds, List<ContextOverflow> overflows) {

    public SuiteScore {
        tasks = List.copyOf(tasks);
        rows = List.copyOf(rows);
        overflows = List.copyOf(overflows);
    }

    public double itemsPerSecond() {
        return seconds > 0 ? rows.size() / seconds : 0;
    }

    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }
}
