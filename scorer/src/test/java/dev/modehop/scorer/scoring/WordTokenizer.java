package dev.modehop.scorer.scoring;

import java.util.List;

/** Splits on whitespace; each word is its index in a fixed word list. */
final class WordTokenizer implements TextTokenizer {
    private final List<String> words;

    WordTokenizer(String... words) {
        this.words = List.of(words);
    }

    @Override
    public long[] encode(String text) {
        String[] parts = text.strip().split("\\s+");
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            int id = words.indexOf(parts[i]);
            if (id < 0) {
                throw new IllegalArgumentException("unknown word " + parts[i]);
            }
            ids[i] = id;
        }
        return ids;
    }
}
