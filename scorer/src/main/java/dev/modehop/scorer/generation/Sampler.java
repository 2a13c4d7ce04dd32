package dev.modehop.scorer.generation;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.generation.Completion.Finish;
import dev.modehop.scorer.model.DecoderModel;
import dev.modehop.scorer.model.KeyValueCache;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.scorer.model.SpecialTokens;
import dev.modehop.scorer.scoring.HuggingFaceTextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Autoregressive sampling on the scorer's forward path. Per question the prompt is prefilled once into a
 * {@link KeyValueCache}; samples are decoded in batches of {@link SamplingSettings#batchSize()}, each batch
 * starting from the prompt's batch-1 cache broadcast across its rows (nothing of the prompt is recomputed), then
 * one token per row per step, each step growing the cache by one position. The next token is drawn from the
 * softmax of the float32 logits at the temperature, computed in double over the full vocabulary, with one
 * uniform draw of the sample's own {@link SampleStream} (inverse CDF); temperature 0 takes the argmax (lowest id
 * on ties). A sample ends at EOS, at a stop string in its decoded text, at max new tokens or when prompt and
 * completion fill the model's context. Rows that have ended keep being fed (their outputs are ignored) until the
 * whole batch has ended: the batch stays one rectangular tensor.
 */
public final class Sampler {
    private final DecoderModel model;
    private final HuggingFaceTokenizer tokenizer;
    private final HuggingFaceTextTokenizer encoder;
    private final long eosId;

    /** {@code eosId} -1 when the model has none: then only stop strings, max tokens and the context end samples. */
    public Sampler(DecoderModel model, HuggingFaceTokenizer tokenizer, long eosId) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.encoder = new HuggingFaceTextTokenizer(tokenizer);
        this.eosId = eosId;
    }

    /** A sampler for a loaded checkpoint, with the EOS id its loader reports (generation_config.json first). */
    public static Sampler of(LoadedCheckpoint checkpoint) {
        SpecialTokens special = SpecialTokens.of(checkpoint.folder(), SpecialTokens.tokenizerJson(checkpoint.folder()),
                checkpoint.config().raw());
        return new Sampler(checkpoint.decoder(), checkpoint.tokenizer(), special.eosId());
    }

    public long eosId() {
        return eosId;
    }

    /** The prompt's token ids as the sampler feeds them (leading special tokens kept, trailing ones dropped). */
    public long[] encode(String prompt) {
        return encoder.encode(prompt);
    }

    /** {@link SamplingSettings#samples()} completions of {@code prompt}, in sample order. */
    public List<Completion> sample(String questionId, String prompt, SamplingSettings settings) {
        return sample(questionId, encode(prompt), settings);
    }

    /**
     * Completions of a tokenized prompt.
     *
     * @throws IllegalArgumentException when the prompt is empty or leaves no room in the model's context
     */
    public List<Completion> sample(String questionId, long[] promptIds, SamplingSettings settings) {
        int context = model.config().maxPositions();
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("question " + questionId + ": the prompt has no tokens");
        }
        if (context > 0 && promptIds.length >= context) {
            throw new IllegalArgumentException("question " + questionId + ": a prompt of " + promptIds.length
                    + " tokens does not fit the model's context of " + context + " positions");
        }
        List<Completion> out = new ArrayList<>(settings.samples());
        try (NDManager manager = NDManager.newBaseManager(model.device())) {
            DecoderModel.Decoded shared = null;
            if (settings.sharePromptCache()) {
                try (NDArray ids = manager.create(promptIds, new Shape(1, promptIds.length))) {
                    shared = model.decode(manager, ids, null);
                }
            }
            for (int start = 0; start < settings.samples(); start += settings.batchSize()) {
                int n = Math.min(settings.batchSize(), settings.samples() - start);
                out.addAll(batch(manager, questionId, promptIds, start, n, settings, shared));
            }
        }
        return out;
    }

    private List<Completion> batch(NDManager manager, String questionId, long[] prompt, int first, int n,
                                   SamplingSettings s, DecoderModel.Decoded shared) {
        int context = model.config().maxPositions();
        int vocab = model.vocabSize();
        StopStrings stops = new StopStrings(s.stopStrings());
        Row[] rows = new Row[n];
        for (int r = 0; r < n; r++) {
            rows[r] = new Row(SampleStream.of(s.seed(), questionId, first + r), s.maxNewTokens());
        }
        DecoderModel.Decoded step = shared;
        if (step == null) {
            long[] copies = new long[n * prompt.length];
            for (int r = 0; r < n; r++) {
                System.arraycopy(prompt, 0, copies, r * prompt.length, prompt.length);
            }
            try (NDArray ids = manager.create(copies, new Shape(n, prompt.length))) {
                step = model.decode(manager, ids, null);
            }
        }
        KeyValueCache cache = step.cache();
        float[] logits = step.logits().toFloatArray();
        int logitRows = (int) step.logits().getShape().get(0);
        try {
            for (int t = 0; ; t++) {
                boolean open = false;
                long[] feed = new long[n];
                for (int r = 0; r < n; r++) {
                    Row row = rows[r];
                    if (row.finish == null && t == s.maxNewTokens()) {
                        row.finish = Finish.LENGTH;
                    }
                    if (row.finish == null) {
                        int offset = (logitRows == 1 ? 0 : r) * vocab;
                        long token = s.temperature() == 0 ? argmax(logits, offset, vocab)
                                : draw(logits, offset, vocab, s.temperature(), row.random);
                        if (token == eosId) {
                            row.finish = Finish.EOS;
                        } else {
                            row.add(token);
                            String text = tokenizer.decode(row.ids(), false);
                            int cut = stops.cut(text);
                            row.text = cut < 0 ? text : text.substring(0, cut);
                            if (cut >= 0) {
                                row.finish = Finish.STOP;
                            } else if (context > 0 && prompt.length + row.count >= context) {
                                row.finish = Finish.CONTEXT;
                            }
                        }
                    }
                    open |= row.finish == null;
                    feed[r] = row.count == 0 ? prompt[prompt.length - 1] : row.tokens[row.count - 1];
                }
                if (!open) {
                    break;
                }
                if (step != shared) {
                    step.logits().close();
                }
                DecoderModel.Decoded next;
                try (NDArray ids = manager.create(feed, new Shape(n, 1))) {
                    next = model.decode(manager, ids, cache);
                }
                if (cache != (shared == null ? null : shared.cache())) {
                    cache.close();
                }
                step = next;
                cache = next.cache();
                logits = next.logits().toFloatArray();
                logitRows = n;
            }
        } finally {
            if (step != shared) {
                step.logits().close();
                cache.close();
            }
        }
        List<Completion> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            out.add(new Completion(questionId, first + r, rows[r].text, rows[r].count, rows[r].finish));
        }
        return out;
    }

    /** The first id with the largest logit. */
    static long argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        for (int v = 1; v < vocab; v++) {
            if (logits[offset + v] > logits[offset + best]) {
                best = v;
            }
        }
        return best;
    }

    /** Inverse-CDF draw from softmax(logits / temperature), in double, with one uniform of {@code random}. */
    static long draw(float[] logits, int offset, int vocab, double temperature, SplittableRandom random) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[offset + v]);
        }
        double[] weights = new double[vocab];
        double total = 0;
        for (int v = 0; v < vocab; v++) {
            weights[v] = Math.exp((logits[offset + v] - max) / temperature);
            total += weights[v];
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int last = 0;
        for (int v = 0; v < vocab; v++) {
            if (weights[v] > 0) {
                cumulative += weights[v];
                last = v;
                if (u < cumulative) {
                    return v;
                }
            }
        }
        return last;
    }

    /** One sample's state while its batch decodes. */
    private static final class Row {
        final SplittableRandom random;
        final long[] tokens;
        int count;
        String text = "";
        Finish finish;

        Row(SplittableRandom random, int maxTokens) {
            this.random = random;
            this.tokens = new long[maxTokens];
        }

        void add(long token) {
            tokens[count++] = token;
        }

        long[] ids() {
            return Arrays.copyOf(tokens, count);
        }
    }
}
