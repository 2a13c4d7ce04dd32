package dev.modehop.scorer.generation;

/**
 * One sampled completion of a question.
 *
 * @param questionId  the question it answers
 * @param sampleIndex its index among the question's samples (0-based), which with the seed fixes its random stream
 * @param text        the decoded completion, cut before a stop string; without the prompt and without EOS
 * @param tokens      generated tokens (including the ones a stop string cut away, excluding EOS)
 * @param finish      why decoding ended
 */
public record Completion(String questionId, int sampleIndex, String text, int tokens, Finish finish) {
    public enum Finish {
        /** a stop string occurred in the decoded text */
        STOP,
        /** the model produced its end-of-sequence token */
        EOS,
        /** max new tokens reached */
        LENGTH,
        /** the model's context is full */
        CONTEXT
    }
}
