package dev.modehop.scorer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The keys and values (after rotary and any q/k norm) every layer computed for a prefix, so that
 * continuations of that prefix run only their own positions: {@link DecoderModel#prefill} fills it once,
 * {@link DecoderModel#logits(NDManager, NDArray, KeyValueCache)} reads it for any number of continuations
 * without changing it. A cache of batch 1 serves a batch of continuations (one shared prefix); otherwise the
 * batches must match. {@link DecoderModel#decode} makes a new, longer cache from one (one decoding step).
 * Its tensors live in its own manager, which {@link #close} releases.
 */
public final class KeyValueCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    /** The prefix's last token per row [b, 1], which the toy previous-token embedding of the next position reads. */
    private NDArray lastTokens;
    private int length = -1;

    KeyValueCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Positions the cache holds (the prefix length). */
    public int length() {
        return length;
    }

    /** Batch of the cached prefix. */
    public long batch() {
        return keys[0].getShape().get(0);
    }

    void put(int layer, NDArray k, NDArray v) {
        NDArray kc = k.duplicate();
        NDArray vc = v.duplicate();
        kc.attach(manager);
        vc.attach(manager);
        keys[layer] = kc;
        values[layer] = vc;
        length = (int) k.getShape().get(2);
    }

    void putLastTokens(NDArray ids) {
        long seq = ids.getShape().get(1);
        NDArray last = ids.get(":, " + (seq - 1) + ":" + seq).duplicate();
        last.attach(manager);
        lastTokens = last;
    }

    /** The token before each position of {@code ids} [b, s] that continue the prefix: its last token, then ids. */
    NDArray previousTokens(NDArray ids) {
        long batch = ids.getShape().get(0);
        long seq = ids.getShape().get(1);
        NDArray first = lastTokens.getShape().get(0) == batch ? lastTokens : lastTokens.broadcast(batch, 1);
        NDArray out = seq == 1 ? first.duplicate() : first.concat(ids.get(":, 0:" + (seq - 1)), 1);
        out.attach(ids.getManager());
        return out;
    }

    /** Layer {@code layer}'s cached keys followed by {@code k} [b, kvHeads, s, headDim], in {@code k}'s manager. */
    NDArray keysBefore(int layer, NDArray k) {
        return joined(keys[layer], k);
    }

    NDArray valuesBefore(int layer, NDArray v) {
        return joined(values[layer], v);
    }

    /**
     * cached ++ fresh along the positions, broadcast over a batch of continuations when the prefix has batch 1.
     * DJL puts an op's result in its receiver's manager, here the cache's, so results move to the call's manager.
     */
    private static NDArray joined(NDArray cached, NDArray fresh) {
        long[] s = cached.getShape().getShape();
        long batch = fresh.getShape().get(0);
        NDArray prefix = cached;
        if (s[0] != batch) {
            prefix = cached.broadcast(batch, s[1], s[2], s[3]);
            prefix.attach(fresh.getManager());
        }
        NDArray out = prefix.concat(fresh, 2);
        out.attach(fresh.getManager());
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
