package dev.modehop.scorer.generation;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The random numbers of one sample: a {@link SplittableRandom} seeded with {@code mix(mix(seed) ^ fnv1a64(utf8(
 * questionId))) ^ sampleIndex)} after one more mix, where mix is SplitMix64's finaliser. Each decoding step of
 * the sample draws exactly one double, so a sample's tokens depend on (seed, question id, sample index) and its
 * own logits only: not on the batch it was decoded in, nor on the other samples.
 */
final class SampleStream {
    private SampleStream() {
    }

    static SplittableRandom of(long seed, String questionId, int sampleIndex) {
        long h = 0xcbf29ce484222325L;
        for (byte b : questionId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return new SplittableRandom(mix(mix(mix(seed) ^ h) ^ sampleIndex));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
