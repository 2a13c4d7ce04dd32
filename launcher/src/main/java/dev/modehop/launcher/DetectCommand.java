package dev.modehop.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.core.EffectSizeFloor;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.OfflineDetection;
import dev.modehop.launcher.history.History;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Offline, without Kafka: runs the same detectors over a recorded history and prints one "
                + "JSON object per hop. Input: a CSV with header series,step,score and optional n (binary "
                + "items behind the score: then score is a fraction and binomial noise applies; without n "
                + "the change-point detector applies) and stderr; lm-eval-harness results (0.4's output folder or "
                + "older one-file-per-checkpoint folders); or a folder of GDsuite output folders, one per checkpoint.")
final class DetectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--input", required = true, paramLabel = "FILE|DIR", description = "the history")
    Path input;

    @Mixin
    LmEvalOptions lmEval;

    @Option(names = "--stability-checkpoints", paramLabel = "K", defaultValue = "2",
            description = "checkpoints after a hop that judge it (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--min-delta", defaultValue = "0",
            description = "smallest level change reported for series without n, in their units (default: ${DEFAULT-VALUE})")
    double minDelta;

    @Option(names = "--min-effect", defaultValue = "" + EffectSizeFloor.DEFAULT,
            description = "smallest change of accuracy that is a hop of a probe family, whatever the item count (default: ${DEFAULT-VALUE})")
    double minEffect;

    @Override
    public Integer call() throws Exception {
        History history = lmEval.read(input);
        if (k < 1) {
            throw new UserInputException("--stability-checkpoints must be >= 1");
        }
        if (!(minEffect >= 0 && minEffect < 1)) {
            throw new UserInputException("--min-effect must be in [0, 1)");
        }
        MonitorConfig config = MonitorConfig.builder().stabilityCheckpoints(k).changePointMinDelta(minDelta)
                .hopMinEffect(minEffect).build();
        List<OfflineDetection.DetectedHop> hops;
        try {
            hops = new OfflineDetection(config).detect(history.points());
        } catch (IllegalArgumentException e) {
            throw new UserInputException(input + ": " + e.getMessage());
        }
        for (OfflineDetection.DetectedHop h : hops) {
            ObjectNode o = JSON.createObjectNode();
            o.put("series", h.series());
            o.put("step", h.step());
            o.put("index", h.index());
            o.put("prevStep", h.prevStep());
            o.put("direction", h.direction().name());
            o.put("from", h.from() == null ? null : h.from().name());
            o.put("to", h.to() == null ? null : h.to().name());
            o.put("stability", h.stability().name());
            o.put("before", round(h.before()));
            o.put("after", round(h.after()));
            o.put("z", round(h.zScore()));
            System.out.println(JSON.writeValueAsString(o));
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
