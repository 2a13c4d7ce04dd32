package dev.modehop.toyrun;

import dev.modehop.probes.toy.ToyVocabulary;
import java.nio.file.Path;

/**
 * Runs the toy pre-training standalone and prints one line per checkpoint with the conflict (flipped)
 * and repetitive probe scores computed in-process. For measuring and for eyeballing the hops; the
 * monitored run is started by the launcher ({@code modehop demo}).
 *
 * <pre>java ... dev.modehop.toyrun.ToyRunMain [--out DIR] [--seed N] [--steps N] [--every M]</pre>
 */
public final class ToyRunMain {
    private ToyRunMain() {
    }

    public static void main(String[] args) {
        Path out = Path.of("target/toyrun");
        long seed = 0;
        Integer steps = null;
        int every = 50;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--every" -> every = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ToyRunConfig config = ToyRunConfig.builder(out, seed).checkpointEvery(every).build();
        if (steps != null) {
            config = config.scaledTo(steps);
        }
        ToyProbeEvaluator probes = new ToyProbeEvaluator(ToyVocabulary.withSeed(config.vocabularySeed()), 1, 512);
        long[] evalNanos = {0};
        double[] share = {Double.NaN};
        ToyRun[] holder = new ToyRun[1];
        ToyRunListener listener = new ToyRunListener() {
            @Override
            public void onWindowOpened(DataWindow w) {
                share[0] = w.pIcl();
            }

            @Override
            public void onWindowClosed(DataWindow w) {
                System.out.printf("window %s closed: steps (%d, %d], p_icl %.2f, %d sequences%n", w.windowId(),
                        w.startStep(), w.endStep(), w.pIcl(), w.sequences());
            }

            @Override
            public void onCheckpoint(long step, Path folder, double trainLoss) {
                long t0 = System.nanoTime();
                var f = probes.flipped(holder[0].model());
                var r = probes.repetitive(holder[0].model());
                evalNanos[0] += System.nanoTime() - t0;
                System.out.printf("step %5d  p_icl %.2f  loss %.3f  flipped hard %.2f soft %+.2f  repetitive hard %.2f%n",
                        step, share[0], trainLoss, f.hardAccuracy(), f.softScore(), r.hardAccuracy());
            }
        };
        long t0 = System.nanoTime();
        try (ToyRun run = new ToyRun(config, listener)) {
            holder[0] = run;
            long done = run.run();
            double secs = (System.nanoTime() - t0) / 1e9;
            double evalSecs = evalNanos[0] / 1e9;
            System.out.printf("%d steps in %.1f s (%.1f steps/s excluding %.1f s of probe evaluation); "
                    + "%d parameters; checkpoints in %s%n", done, secs, done / (secs - evalSecs), evalSecs,
                    run.model().weights().parameterCount(), out.toAbsolutePath());
        }
    }
}
