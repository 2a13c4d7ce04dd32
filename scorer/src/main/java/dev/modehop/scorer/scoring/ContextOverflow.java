package dev.modehop.scorer.scoring;

import java.util.Locale;

/**
 * Rows of one (family, task) that the scorer refused because the model cannot read them whole: the tokens of
 * {@code prompt + " " + answer} (less the last, which nothing predicts from) exceed the model's context
 * ({@link ScoringOptions#maxSequenceLength()}). Refused rows are neither cut nor scored: a truncated prompt is
 * no longer the suite's prompt, and GDsuite's evaluator does not truncate either. The task's score covers the
 * rows that fit; a task with none is not published.
 *
 * @param rows      (seed, question) rows refused
 * @param taskRows  rows the task has in the suite
 * @param longest   the longest refused input, in tokens
 * @param limit     the context the rows were checked against
 */
public record ContextOverflow(String family, String task, int rows, int taskRows, int longest, int limit) {

    /** Whether no row of the task fits (the task then has no score). */
    public boolean whole() {
        return rows == taskRows;
    }

    /** One line for a warning: names the task, the count and the sizes. */
    public String describe() {
        return String.format(Locale.ROOT, "%s/%s: %,d of %,d rows refused, longer than the model's context of %,d"
                        + " tokens (longest %,d); %s", family, task, rows, taskRows, limit, longest,
                whole() ? "the task is not scored" : "the task is scored on the other rows");
    }
}
