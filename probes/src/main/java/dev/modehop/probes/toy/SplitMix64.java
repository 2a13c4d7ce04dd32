package dev.modehop.probes.toy;

/**
 * The SplitMix64 generator (Steele, Lea, Flood 2014), written out so that the toy vocabulary and the toy
 * data can be reproduced bit for bit from any language: {@code state += 0x9E3779B97F4A7C15}, then the
 * usual two xor-shift-multiply rounds. Not thread safe.
 */
public final class SplitMix64 {
    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound) by rejection, so there is no modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long limit = Long.remainderUnsigned(-1L, bound);
        while (true) {
            long r = nextLong();
            if (Long.compareUnsigned(r, -1L - limit) <= 0) {
                return (int) Long.remainderUnsigned(r, bound);
            }
        }
    }

    /** Uniform in [0, 1) from the top 53 bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Fisher-Yates from the last index down, swapping {@code a[i]} with {@code a[nextInt(i + 1)]}. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** {@code count} distinct values of [0, n) in random order (the first {@code count} of a shuffle). */
    public int[] sampleDistinct(int n, int count) {
        if (count > n) {
            throw new IllegalArgumentException(count + " distinct values out of " + n);
        }
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, count);
    }
}
