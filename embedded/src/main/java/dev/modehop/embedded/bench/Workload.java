package dev.modehop.embedded.bench;

/**
 * The engine benchmarks' input: {@code runs} training runs, each publishing {@code checkpoints} checkpoints with
 * one checkpoint.ready and one probe score per family. Accuracies flip between 0.95 and 0.05 every 10
 * checkpoints, shifted per run and family, so every family of every run hops once per 10 checkpoints.
 */
public record Workload(int runs, int families, int checkpoints) {
    /** {@code --runs R --families F --checkpoints C}: the throughput workload (defaults 20 x 4 x 100). */
    public static Workload throughput(String[] args) {
        return new Workload(BenchmarkArgs.intArg(args, "--runs", 20), BenchmarkArgs.intArg(args, "--families", 4),
                BenchmarkArgs.intArg(args, "--checkpoints", 100));
    }

    /**
     * The latency workload for {@code load}: a quarter of its runs, {@code --paced-checkpoints} checkpoints
     * (default {@code min(checkpoints, 60)}). Every 10 checkpoints give each family a hop, so with the default
     * 20 runs and 4 families 60 give 120 latency samples and 300 give 600 (a p99 steadier than the second-worst
     * of 120).
     */
    public static Workload paced(String[] args, Workload load) {
        return new Workload(Math.max(1, load.runs / 4), load.families,
                BenchmarkArgs.intArg(args, "--paced-checkpoints", Math.min(load.checkpoints, 60)));
    }

    /** The workload header both engine benchmarks start with. */
    public static void print(Workload load, Workload paced) {
        System.out.printf("workload: %d runs x %d families x %d checkpoints = %d input events (throughput);%n"
                        + "          %d runs x %d checkpoints paced at 20 checkpoints/s per run (latency)%n",
                load.runs, load.families, load.checkpoints, load.events(), paced.runs, paced.checkpoints);
    }

    /** Input events: a checkpoint.ready and a score per family, per checkpoint of every run. */
    public int events() {
        return runs * checkpoints * (1 + families);
    }

    /** Mode observations the monitor emits: one per score. */
    public int observations() {
        return runs * checkpoints * families;
    }

    /** Hops the monitor detects: one per flip of a family's accuracy between consecutive checkpoints. */
    public int hops() {
        int hops = 0;
        for (int r = 0; r < runs; r++) {
            for (int f = 0; f < families; f++) {
                for (int i = 2; i <= checkpoints; i++) {
                    hops += accuracy(i, r, f) != accuracy(i - 1, r, f) ? 1 : 0;
                }
            }
        }
        return hops;
    }

    /** The accuracy of {@code family} at the 1-based {@code checkpoint} of {@code run}. */
    public static double accuracy(int checkpoint, int run, int family) {
        return ((checkpoint + run + family) / 10) % 2 == 0 ? 0.95 : 0.05;
    }
}
