package dev.modehop.scorer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

import static dev.modehop.scorer.model.TransformerOps.embedding;
import static dev.modehop.scorer.model.TransformerOps.linear;

/**
 * A decoder-only transformer of any {@link Architecture}: one block code path, where each family's
 * differences (norm kind and placement, q/k norm, biases, gated or plain MLP, activation, embedding scale,
 * sliding-window layers, rotary scaling, tied head) come from its {@link ModelConfig}. {@link #forward(NDArray,
 * int, NDArray)} is the single path for scoring, for training and for reading hidden states (predictors).
 * Also owns per-call scoping of intermediates, device placement and float32 logits.
 */
public class DecoderModel implements CausalLanguageModel {
    protected final ModelConfig config;
    protected final ModelWeights weights;
    private final Device device;
    private final DataType dtype;
    private final Architecture arch;
    /** Apertus: xIELU's alpha_p, alpha_n (after softplus), beta and eps per layer; null otherwise. */
    private final float[][] xielu;

    public DecoderModel(ModelConfig config, ModelWeights weights) {
        this.config = config;
        this.weights = weights;
        this.arch = config.family();
        NDArray any = weights.tensors().values().iterator().next();
        this.device = any.getDevice();
        this.dtype = any.getDataType();
        for (Map.Entry<String, long[]> e : parameterShapes(config).entrySet()) {
            long[] actual = weights.get(e.getKey()).getShape().getShape();
            if (!new Shape(actual).equals(new Shape(e.getValue()))) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape " + new Shape(actual)
                        + ", expected " + new Shape(e.getValue()));
            }
        }
        this.xielu = config.hiddenAct().equals("xielu") ? xieluParameters() : null;
    }

    /** The tensors this architecture needs, by HF name, with their shapes. */
    public Map<String, long[]> parameterShapes(ModelConfig config) {
        return TensorLayout.shapes(config);
    }

    /** {@link #forward(NDArray, int)} depth: run every block, the final norm and the output head. */
    public static final int LOGITS = Integer.MAX_VALUE;
    /** {@link #forward(NDArray, int)} depth: the last block's output after the final norm (what the head reads). */
    public static final int AFTER_FINAL_NORM = -1;

    /**
     * Logits [b, s, vocab] in the model dtype. Every intermediate and the result live in {@code tokenIds}'
     * manager (which must be on the model's device); with parameters that require gradients, this is the
     * graph a GradientCollector differentiates.
     */
    public NDArray forward(NDArray tokenIds) {
        return forward(tokenIds, LOGITS);
    }

    /**
     * {@link #forward(NDArray, int, NDArray)} over every position: {@link #LOGITS} for logits [b, s, vocab];
     * a block index {@code 0..numLayers-1} for that block's output (the residual stream after it) [b, s, d];
     * {@link #AFTER_FINAL_NORM} for the final block's output after the final norm [b, s, d]. Stopping early skips
     * the remaining blocks and the head. Same manager rules as {@link #forward(NDArray)}.
     */
    public NDArray forward(NDArray tokenIds, int depth) {
        return forward(tokenIds, depth, null);
    }

    /**
     * The single forward code path. With {@code headRows} null it returns {@link #forward(NDArray, int)}'s
     * [b, s, ...] result. Otherwise {@code headRows} (int64 [n], on the ids' device) are indices {@code batch *
     * seq + position} into the flattened positions, and the final norm and the head run on those rows only:
     * [n, vocab] at {@link #LOGITS}, [n, d] at {@link #AFTER_FINAL_NORM} (block depths refuse them). Both are
     * per-position maps, so each row equals the full result's row; scoring reads a few positions per sequence
     * and this skips the [b, s, vocab] projection.
     */
    public NDArray forward(NDArray ids, int depth, NDArray headRows) {
        return run(ids, depth, headRows, null, null);
    }

    /**
     * Runs {@code prefixIds} [b, p] once and keeps every layer's keys and values in a cache owned by (a sub-manager
     * of) {@code manager}, for {@link #logits(NDManager, NDArray, KeyValueCache)}.
     */
    public KeyValueCache prefill(NDManager manager, NDArray prefixIds) {
        KeyValueCache cache = new KeyValueCache(manager, config.numLayers());
        try (NDManager scope = manager.newSubManager(device)) {
            NDArray ids = scope.create(asLongs(prefixIds), prefixIds.getShape());
            run(ids, config.numLayers() - 1, null, null, cache);
            return cache;
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    /**
     * Logits [b, s, vocab] (float32, owned by {@code manager}) of continuations {@code tokenIds} [b, s] that follow
     * the cached prefix: position t of a continuation is position {@code prefix.length() + t} of the whole text.
     * The same as {@link #logits(NDManager, NDArray)} over prefix + continuation, at the continuation's positions.
     */
    public NDArray logits(NDManager manager, NDArray tokenIds, KeyValueCache prefix) {
        if (tokenIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + tokenIds.getShape());
        }
        long batch = tokenIds.getShape().get(0);
        if (prefix.batch() != 1 && prefix.batch() != batch) {
            throw new IllegalArgumentException("a cache of batch " + prefix.batch() + " cannot serve a batch of " + batch);
        }
        return projected(manager, tokenIds, null, prefix);
    }

    /**
     * One decoding step: runs {@code tokenIds} [b, s] after {@code past} (or from the start when null) and returns
     * the logits of each row's last position (float32 [b, vocab], owned by {@code manager}) with a new cache of
     * {@code past} followed by these positions (owned by a sub-manager of {@code manager}; {@code past} is left
     * unchanged, so a prompt's batch-1 cache can start any number of sample batches, broadcast rather than
     * recomputed). Prefill the prompt with {@code past == null}, then feed one token per row per step.
     */
    public Decoded decode(NDManager manager, NDArray tokenIds, KeyValueCache past) {
        if (tokenIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + tokenIds.getShape());
        }
        long batch = tokenIds.getShape().get(0);
        int seq = (int) tokenIds.getShape().get(1);
        if (past != null && past.batch() != 1 && past.batch() != batch) {
            throw new IllegalArgumentException("a cache of batch " + past.batch() + " cannot serve a batch of " + batch);
        }
        KeyValueCache next = new KeyValueCache(manager, config.numLayers());
        try (NDManager scope = manager.newSubManager(device)) {
            NDArray ids = scope.create(asLongs(tokenIds), tokenIds.getShape());
            long[] rows = new long[(int) batch];
            for (int b = 0; b < batch; b++) {
                rows[b] = (long) b * seq + seq - 1;
            }
            NDArray out = run(ids, LOGITS, scope.create(rows), past, next);
            if (out.getDataType() != DataType.FLOAT32) {
                out = out.toType(DataType.FLOAT32, false);
            }
            if (!out.getDevice().equals(manager.getDevice())) {
                out = out.toDevice(manager.getDevice(), false);
            }
            out.attach(manager);
            return new Decoded(out, next);
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
    }

    /** What {@link #decode} returns: the last positions' logits [b, vocab] and the longer cache. */
    public record Decoded(NDArray logits, KeyValueCache cache) {
    }

    /**
     * The rows of {@link #logits(NDManager, NDArray, KeyValueCache)} at the flattened continuation positions
     * {@code rows} ({@code batch * seq + t}): only those go through the final norm and the head.
     */
    public NDArray logitsAt(NDManager manager, NDArray tokenIds, long[] rows, KeyValueCache prefix) {
        long batch = tokenIds.getShape().dimension() == 2 ? tokenIds.getShape().get(0) : -1;
        if (prefix.batch() != 1 && prefix.batch() != batch) {
            throw new IllegalArgumentException("a cache of batch " + prefix.batch() + " cannot serve a batch of " + batch);
        }
        return projected(manager, tokenIds, CausalLanguageModel.checkRows(tokenIds, rows), prefix);
    }

    /** False for the toy previous-token embedding, which needs the whole text in one pass. */
    public boolean cachesPrefixes() {
        return !config.prevTokenEmbedding();
    }

    /** The forward path, optionally after a cached prefix ({@code past}) and optionally filling a cache ({@code fill}). */
    private NDArray run(NDArray ids, int depth, NDArray headRows, KeyValueCache past, KeyValueCache fill) {
        return run(ids, depth, headRows, past, fill, null);
    }

    /** {@code taps}, when given, receives each block's output up to {@code depth} (index = block). */
    private NDArray run(NDArray ids, int depth, NDArray headRows, KeyValueCache past, KeyValueCache fill,
                        NDArray[] taps) {
        checkDepth(depth, headRows);
        NDManager m = ids.getManager();
        long batch = ids.getShape().get(0);
        int seq = (int) ids.getShape().get(1);
        int start = past == null ? 0 : past.length();
        if (config.learnedPositions() && start + seq > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + seq + " exceeds max_position_embeddings "
                    + config.maxPositions());
        }
        NDArray x = embedding(ids, weights.get(arch.embedding()));
        if (arch.scaledEmbedding()) {
            // HF rounds sqrt(hidden) to the activation dtype before multiplying
            x = x.mul(TransformerOps.scalar(x, (float) Math.sqrt(config.hiddenSize())));
        }
        if (config.prevTokenEmbedding()) {
            NDArray prev;
            if (past != null) {
                prev = past.previousTokens(ids);
            } else {
                NDArray bos = m.full(new Shape(batch, 1), config.bosTokenId(), DataType.INT64);
                prev = seq == 1 ? bos : bos.concat(ids.get(":, 0:" + (seq - 1)), 1);
            }
            x = x.add(embedding(prev, weights.get(TensorLayout.EMBED_PREV)));
        }
        if (fill != null) {
            fill.putLastTokens(ids);
        }
        if (config.learnedPositions()) {
            NDArray positions = m.arange(start, start + seq, 1, DataType.INT64);
            x = x.add(embedding(positions, weights.get(TensorLayout.EMBED_POS)));
        }
        int rotaryDims = config.rotaryDims();
        NDArray[] cosSin = rotaryDims > 0 ? config.rope().tables(m, start, seq, rotaryDims, dtype) : new NDArray[2];
        NDArray fullMask = TransformerOps.causalMask(m, start, seq, 0, dtype);
        NDArray slidingMask = config.slidingLayers().contains(true)
                ? TransformerOps.causalMask(m, start, seq, config.slidingWindow(), dtype) : null;
        for (int i = 0; i < config.numLayers(); i++) {
            x = block(x, i, cosSin, config.sliding(i) ? slidingMask : fullMask, past, fill);
            if (taps != null) {
                taps[i] = x;
            }
            if (i == depth) {
                return x;
            }
        }
        x = norm(headInput(x, headRows), arch.finalNorm());
        if (depth == AFTER_FINAL_NORM) {
            return x;
        }
        return linear(x, weights.get(config.tiedEmbeddings() ? arch.embedding() : arch.head()), null);
    }

    /** One transformer block: x [b, s, d] in, the residual stream after the block out. */
    private NDArray block(NDArray x, int i, NDArray[] cosSin, NDArray mask, KeyValueCache past, KeyValueCache fill) {
        String p = arch.layer(i);
        NDArray attnIn = arch.postNorm() ? x : norm(x, p + arch.attentionNorm());
        NDArray attn = attention(attnIn, i, cosSin, mask, past, fill);
        if (arch.postNorm()) {
            attn = norm(attn, p + arch.attentionNorm());
        }
        if (config.parallelResidual()) {
            return x.add(attn).add(mlp(norm(x, p + arch.mlpNorm()), i));
        }
        x = x.add(attn);
        NDArray out;
        if (arch.postNorm()) {
            out = norm(mlp(x, i), p + arch.mlpNorm());
        } else {
            out = mlp(norm(x, p + arch.mlpNorm()), i);
        }
        return x.add(out);
    }

    private NDArray attention(NDArray h, int layer, NDArray[] cosSin, NDArray mask, KeyValueCache past,
                              KeyValueCache fill) {
        String p = arch.layer(layer);
        int heads = config.numHeads();
        int kvHeads = config.numKeyValueHeads();
        int headDim = config.headDim();
        NDArray q;
        NDArray k;
        NDArray v;
        if (arch.fusedQkv()) {
            long[] s = h.getShape().getShape();
            NDArray qkv = linear(h, weights.get(p + arch.fusedQueryKeyValue() + "weight"),
                    optional(p + arch.fusedQueryKeyValue() + "bias"));
            // HF stores the fused projection per head: [head0: q k v, head1: q k v, ...]
            NDList parts = qkv.reshape(s[0], s[1], heads, 3L * headDim).transpose(0, 2, 1, 3).split(3, 3);
            q = parts.get(0);
            k = parts.get(1);
            v = parts.get(2);
        } else {
            q = linear(h, weights.get(p + arch.query() + "weight"), optional(p + arch.query() + "bias"));
            k = linear(h, weights.get(p + arch.key() + "weight"), optional(p + arch.key() + "bias"));
            v = linear(h, weights.get(p + arch.value() + "weight"), optional(p + arch.value() + "bias"));
            if (config.clipQkv() > 0) {
                q = TransformerOps.clip(q, config.clipQkv());
                k = TransformerOps.clip(k, config.clipQkv());
                v = TransformerOps.clip(v, config.clipQkv());
            }
            if (arch.qkNorm() == Architecture.QkNorm.WHOLE) {
                q = TransformerOps.rmsNorm(q, weights.get(p + arch.queryNorm()), config.normEps(), false);
                k = TransformerOps.rmsNorm(k, weights.get(p + arch.keyNorm()), config.normEps(), false);
            }
            q = TransformerOps.splitHeads(q, heads, headDim);
            k = TransformerOps.splitHeads(k, kvHeads, headDim);
            v = TransformerOps.splitHeads(v, kvHeads, headDim);
            if (arch.qkNorm() == Architecture.QkNorm.PER_HEAD) {
                q = TransformerOps.rmsNorm(q, weights.get(p + arch.queryNorm()), config.normEps(), false);
                k = TransformerOps.rmsNorm(k, weights.get(p + arch.keyNorm()), config.normEps(), false);
            }
        }
        int rotaryDims = config.rotaryDims();
        q = TransformerOps.rotary(q, rotaryDims, cosSin[0], cosSin[1]);
        k = TransformerOps.rotary(k, rotaryDims, cosSin[0], cosSin[1]);
        if (past != null) {
            k = past.keysBefore(layer, k);
            v = past.valuesBefore(layer, v);
        }
        if (fill != null) {
            // after the join: a decoding step's new cache holds the past and the step's positions
            fill.put(layer, k, v);
        }
        NDArray ctx = TransformerOps.mergeHeads(TransformerOps.attention(q, k, v, mask));
        return linear(ctx, weights.get(p + arch.output() + "weight"), optional(p + arch.output() + "bias"));
    }

    private NDArray mlp(NDArray h, int layer) {
        String p = arch.layer(layer);
        NDArray up = linear(h, weights.get(p + arch.up() + "weight"), optional(p + arch.up() + "bias"));
        NDArray hidden;
        if (arch.gatedMlp()) {
            NDArray gate = linear(h, weights.get(p + arch.gate() + "weight"), optional(p + arch.gate() + "bias"));
            hidden = activate(gate, layer).mul(up);
        } else {
            hidden = activate(up, layer);
        }
        return linear(hidden, weights.get(p + arch.down() + "weight"), optional(p + arch.down() + "bias"));
    }

    private NDArray activate(NDArray x, int layer) {
        if (xielu != null) {
            float[] a = xielu[layer];
            return TransformerOps.xielu(x, a[0], a[1], a[2], a[3]);
        }
        return TransformerOps.activation(x, config.hiddenAct());
    }

    private NDArray norm(NDArray x, String prefix) {
        switch (arch.norm()) {
            case LAYER_NORM:
                return TransformerOps.layerNorm(x, weights.get(prefix + "weight"), weights.get(prefix + "bias"),
                        config.normEps());
            case PLAIN_LAYER_NORM:
                return TransformerOps.plainLayerNorm(x, config.normEps());
            case RMS:
                return TransformerOps.rmsNorm(x, weights.get(prefix + "weight"), config.normEps(), false);
            default:
                return TransformerOps.rmsNorm(x, weights.get(prefix + "weight"), config.normEps(), true);
        }
    }

    private NDArray optional(String name) {
        return weights.has(name) ? weights.get(name) : null;
    }

    /** xIELU as HF computes it: alpha_p = softplus(a_p), alpha_n = beta + softplus(a_n), from the stored tensors. */
    private float[][] xieluParameters() {
        float[][] out = new float[config.numLayers()][];
        for (int i = 0; i < config.numLayers(); i++) {
            String p = arch.layer(i);
            float[] v = new float[4];
            for (int j = 0; j < 4; j++) {
                NDArray t = weights.get(p + arch.xielu(TensorLayout.XIELU_PARAMETERS[j]));
                v[j] = t.getDataType() == DataType.FLOAT32 ? t.toFloatArray()[0]
                        : t.toType(DataType.FLOAT32, true).toFloatArray()[0];
            }
            float beta = v[2];
            out[i] = new float[] {softplus(v[0]), beta + softplus(v[1]), beta, v[3]};
        }
        return out;
    }

    private static float softplus(float x) {
        return (float) (x > 20 ? x : Math.log1p(Math.exp(x)));
    }

    /** Before the final norm: the rows {@code headRows} picks out of x [b, s, d] as [n, d], or x itself when null. */
    protected static NDArray headInput(NDArray x, NDArray headRows) {
        if (headRows == null) {
            return x;
        }
        return x.reshape(-1, x.getShape().get(x.getShape().dimension() - 1)).get(new NDIndex("{}", headRows));
    }

    /** Rejects a depth {@link #forward(NDArray, int)} does not know. */
    protected final void checkDepth(int depth, NDArray headRows) {
        if (headRows != null && depth != LOGITS && depth != AFTER_FINAL_NORM) {
            throw new IllegalArgumentException("head rows apply to the logits or the final norm, not block " + depth);
        }
        if (depth != LOGITS && (depth < AFTER_FINAL_NORM || depth >= config.numLayers())) {
            throw new IllegalArgumentException("layer " + depth + " does not exist: the model has blocks 0.."
                    + (config.numLayers() - 1) + " (-1 = after the final norm)");
        }
    }

    @Override
    public NDArray logits(NDManager manager, NDArray tokenIds) {
        return projected(manager, tokenIds, null, null);
    }

    /** Runs the final norm and the head on the selected rows only (see {@link #forward(NDArray, int, NDArray)}). */
    @Override
    public NDArray logitsAt(NDManager manager, NDArray tokenIds, long[] rows) {
        return projected(manager, tokenIds, CausalLanguageModel.checkRows(tokenIds, rows), null);
    }

    /** Float32 logits in {@code manager}, of the given rows (or all), after a cached prefix (or none). */
    private NDArray projected(NDManager manager, NDArray tokenIds, long[] rows, KeyValueCache prefix) {
        if (tokenIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + tokenIds.getShape());
        }
        try (NDManager scope = manager.newSubManager(device)) {
            NDArray ids = scope.create(asLongs(tokenIds), tokenIds.getShape());
            NDArray out = run(ids, LOGITS, rows == null ? null : scope.create(rows), prefix, null);
            if (out.getDataType() != DataType.FLOAT32) {
                out = out.toType(DataType.FLOAT32, false);
            }
            if (!out.getDevice().equals(manager.getDevice())) {
                out = out.toDevice(manager.getDevice(), false);
            }
            out.attach(manager);
            return out;
        }
    }

    /**
     * One vector per sequence: the hidden states at {@code layer} (a block index, or {@link #AFTER_FINAL_NORM}) averaged
     * over each sequence's first {@code lengths[i]} positions, i.e. its real tokens; right padding after them
     * changes nothing, because the model is causal. Float32 [b, d], owned by {@code manager}; intermediates are
     * freed before the call returns.
     */
    public NDArray pooledHiddenStates(NDManager manager, NDArray tokenIds, int[] lengths, int layer) {
        if (tokenIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + tokenIds.getShape());
        }
        if (layer == LOGITS) {
            throw new IllegalArgumentException("pooled hidden states need a layer, not the logits");
        }
        checkDepth(layer, null);
        return pooled(manager, tokenIds, lengths, layer, false)[0];
    }

    /**
     * {@link #pooledHiddenStates} of every block at once, from one forward pass through all blocks: element i is
     * block i's pooled output, float32 [b, d], owned by {@code manager}.
     */
    public NDArray[] pooledHiddenStatesEveryBlock(NDManager manager, NDArray tokenIds, int[] lengths) {
        if (tokenIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + tokenIds.getShape());
        }
        return pooled(manager, tokenIds, lengths, config.numLayers() - 1, true);
    }

    private NDArray[] pooled(NDManager manager, NDArray tokenIds, int[] lengths, int layer, boolean everyBlock) {
        int batch = (int) tokenIds.getShape().get(0);
        int seq = (int) tokenIds.getShape().get(1);
        if (lengths.length != batch) {
            throw new IllegalArgumentException(lengths.length + " lengths for a batch of " + batch);
        }
        float[] weights = new float[batch * seq];
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > seq) {
                throw new IllegalArgumentException("length " + lengths[b] + " outside 1.." + seq);
            }
            for (int t = 0; t < lengths[b]; t++) {
                weights[b * seq + t] = 1f / lengths[b];
            }
        }
        try (NDManager scope = manager.newSubManager(device)) {
            NDArray ids = scope.create(asLongs(tokenIds), tokenIds.getShape());
            NDArray[] hidden;
            if (everyBlock) {
                hidden = new NDArray[config.numLayers()];
                run(ids, layer, null, null, null, hidden);
            } else {
                hidden = new NDArray[] {forward(ids, layer)};
            }
            NDArray mean = scope.create(weights, new Shape(batch, 1, seq));
            NDArray[] out = new NDArray[hidden.length];
            for (int i = 0; i < hidden.length; i++) {
                NDArray h = hidden[i].getDataType() == DataType.FLOAT32 ? hidden[i] : hidden[i].toType(DataType.FLOAT32, false);
                // [b, 1, s] x [b, s, d] -> [b, 1, d]: a masked mean as one batched product
                NDArray pooled = mean.matMul(h).reshape(batch, h.getShape().get(2));
                if (!pooled.getDevice().equals(manager.getDevice())) {
                    pooled = pooled.toDevice(manager.getDevice(), false);
                }
                pooled.attach(manager);
                out[i] = pooled;
            }
            return out;
        }
    }

    private static long[] asLongs(NDArray tokenIds) {
        if (tokenIds.getDataType() == DataType.INT64) {
            return tokenIds.toLongArray();
        }
        try (NDArray asLong = tokenIds.toType(DataType.INT64, true)) {
            return asLong.toLongArray();
        }
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public Device device() {
        return device;
    }

    public DataType dtype() {
        return dtype;
    }

    public Architecture family() {
        return arch;
    }

    @Override
    public void close() {
        weights.close();
    }
}
