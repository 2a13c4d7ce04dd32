package dev.modehop.bench;

import java.util.Arrays;

/** Entry point: {@code mvn -pl bench exec:java -Dexec.args="detection|streams|scoring|prefix-sharing [options]"}. */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "help" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (which) {
            case "detection" -> {
                DetectionBenchmark.main(rest);
                System.out.println();
                PlantedHopBenchmark.main(new String[0]);
                System.out.println();
                ChangePointBenchmark.main(new String[0]);
            }
            case "hops" -> PlantedHopBenchmark.main(rest);
            case "change-points" -> ChangePointBenchmark.main(rest);
            case "streams" -> StreamsBenchmark.main(rest);
            case "step" -> StepBenchmark.main(rest);
            case "scoring" -> ScoringBenchmark.main(rest);
            case "generation" -> GenerationBenchmark.main(rest);
            case "match-rate-noise" -> MatchRateNoiseBenchmark.main(rest);
            case "prefix-sharing" -> PrefixSharingBenchmark.main(rest);
            case "averaging" -> AveragingBenchmark.main(rest);
            default -> {
                System.out.println("usage: Benchmarks detection | hops [--sweep] | change-points [PER_KIND [SEED]]"
                        + " | streams [--runs N --families F --checkpoints C] | step [--records N]"
                        + " | scoring [--model toy|pythia-70m|pythia-160m] [--batches 1,4,16,64] [--device cpu|cuda]"
                        + " [--items N] [--storage bf16|f32] [--max-batch-tokens N] [--threads N] [--tokenizer FILE] [--repeats R]");
                System.out.println("  prefix-sharing --tree DIR --config FILE [--model pythia-70m,pythia-160m] [--rows R]"
                        + " [--shared-rows Q] [--seeds S] [--batch B] [--context N] [--families a,b] [--device cpu|cuda]:"
                        + " GDsuite scoring with and without shared prefixes, projected to the whole suite");
                System.out.println("  detection  quality of hop and change-point detection on synthetic histories (all below)");
                System.out.println("  generation [--model toy|pythia-70m] [--batches 1,8,64] [--samples 64] [--prompt-tokens N]"
                        + " [--new-tokens N] [--device cpu|cuda]  sampling: s/question and tokens/s, shared prompt cache vs"
                        + " per-sample prefill");
                System.out.println("  match-rate-noise [--samples 100,50,20,10,5] [--questions 8] [--repeats 16] [--new-tokens 3]"
                        + "  sd of a match rate across sampling seeds against the sample count");
                System.out.println("  averaging [--model pythia-70m] [--counts 2,5,9] [--heap MIB] [--repeats R] [--no-ladder]"
                        + " [--dir DIR]  the averaging test's heap, RSS and time, streamed vs the old buffered averager");
                System.out.println("  hops [--sweep]  three-mode planted hops (100-2000 items) and GDsuite-sized series with wobble");
                System.out.println("  change-points [PER_KIND [SEED]]  annotated generic series vs none, CUSUM, BOCPD");
                System.out.println("  streams    Kafka Streams job vs raw pass-through on the in-process broker");
                System.out.println("  step       the monitor step in process: cost per record against the run's series count");
                System.out.println("  scoring    one scorer worker on a random-weight checkpoint: items/s, tokens/s, peak memory,"
                        + " batch size sweep, predictor cost");
            }
        }
    }
}
