package dev.modehop.scorer.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;

/** A checkpoint folder brought to life: the model and its tokenizer. Closing releases both. */
public final class LoadedCheckpoint implements AutoCloseable {
    private final Path folder;
    private final DecoderModel model;
    private final HuggingFaceTokenizer tokenizer;

    public LoadedCheckpoint(Path folder, DecoderModel model, HuggingFaceTokenizer tokenizer) {
        this.folder = folder;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public Path folder() {
        return folder;
    }

    public CausalLanguageModel model() {
        return model;
    }

    /** The concrete model, for callers that need its weights (averaging, predictors). */
    public DecoderModel decoder() {
        return model;
    }

    public HuggingFaceTokenizer tokenizer() {
        return tokenizer;
    }

    public ModelConfig config() {
        return model.config();
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }
}
