package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A prefix run once into a {@link KeyValueCache}, then continuations against it, equals the full forward over
 * prefix + continuation at the continuation's positions, on every reference fixture (every architecture and
 * variant: sliding windows across the cache boundary, rope scaling, GQA, tied heads, ...), for one continuation
 * and for a batch of continuations sharing a batch-1 prefix.
 */
class KeyValueCacheTest {
    private static final double TOLERANCE = 1e-4;

    static java.util.stream.Stream<String> fixtureNames() throws Exception {
        return ReferenceFixturesTest.fixtureNames();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void cachedContinuationsEqualTheFullForward(String name) throws Exception {
        Path fixture = ReferenceFixturesTest.root().resolve(name);
        JsonNode expected = new ObjectMapper().readTree(fixture.resolve("expected-logits.json").toFile());
        long[] ids = null;
        for (JsonNode kase : expected.get("cases")) {
            if (ids == null || kase.get("input_ids").size() > ids.length) {
                ids = new long[kase.get("input_ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = kase.get("input_ids").get(i).asLong();
                }
            }
        }
        int p = ids.length * 3 / 5;
        int s = ids.length - p;
        long[] prefix = Arrays.copyOf(ids, p);
        long[] first = Arrays.copyOfRange(ids, p, ids.length);
        long[] second = new long[s];
        for (int i = 0; i < s; i++) {
            second[i] = ids[(7 * i + 3) % ids.length];
        }
        try (LoadedCheckpoint c = CheckpointLoader.load(fixture, Device.cpu(), DataType.FLOAT32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            DecoderModel model = c.decoder();
            int vocab = model.vocabSize();
            float[] fullFirst = model.logits(m, m.create(concat(prefix, first), new Shape(1, ids.length))).toFloatArray();
            float[] fullSecond = model.logits(m, m.create(concat(prefix, second), new Shape(1, ids.length)))
                    .toFloatArray();
            // without the prefix the continuation's logits are far from the full forward's: the prefix matters
            float[] alone = model.logits(m, m.create(first, new Shape(1, s))).toFloatArray();
            double withoutPrefix = relative(fullFirst, p, alone, 0, s, vocab);
            assertTrue(withoutPrefix > 1e-2, name + ": the prefix barely changes the logits (" + withoutPrefix + ")");
            double worst;
            try (KeyValueCache cache = model.prefill(m, m.create(prefix, new Shape(1, p)))) {
                assertEquals(p, cache.length());
                float[] one = model.logits(m, m.create(first, new Shape(1, s)), cache).toFloatArray();
                worst = relative(fullFirst, p, one, 0, s, vocab);
                float[] both = model.logits(m, m.create(concat(first, second), new Shape(2, s)), cache).toFloatArray();
                worst = Math.max(worst, relative(fullFirst, p, both, 0, s, vocab));
                worst = Math.max(worst, relative(fullSecond, p, both, s, s, vocab));
                float[] again = model.logits(m, m.create(first, new Shape(1, s)), cache).toFloatArray();
                assertArrayEquals(one, again, "reading the cache leaves it unchanged");
            }
            System.out.printf(Locale.ROOT, "kv cache %-30s prefix %d + %d tokens, max relative difference %.2e"
                    + " (%.2f without the prefix)%n", name, p, s, worst, withoutPrefix);
            assertTrue(worst <= TOLERANCE, name + ": cached vs full relative difference " + worst);
        }
    }

    /** Max |a - b| over max |a|, a's positions from {@code aStart}, b's rows from {@code bStart}, {@code n} positions. */
    private static double relative(float[] a, int aStart, float[] b, int bStart, int n, int vocab) {
        double maxAbs = 0;
        double maxErr = 0;
        for (int t = 0; t < n; t++) {
            for (int v = 0; v < vocab; v++) {
                double x = a[(aStart + t) * vocab + v];
                maxAbs = Math.max(maxAbs, Math.abs(x));
                maxErr = Math.max(maxErr, Math.abs(x - b[(bStart + t) * vocab + v]));
            }
        }
        return maxErr / maxAbs;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
