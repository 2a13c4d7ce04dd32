package dev.modehop.flink;

import dev.modehop.core.AlertRules;
import dev.modehop.core.MonitorConfig;
import dev.modehop.schemas.AvroSerdes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.util.ParameterTool;

/**
 * The job jar's command line, spelled like every other modehop command:
 * {@code --bootstrap HOST:PORT --registry URL [--topic-prefix P] [--rules FILE] [--stability-checkpoints K]
 * [--missing-timeout SECONDS] [--value-serializer CLASS] [--value-deserializer CLASS]
 * [--checkpoint-interval-ms MS]}. {@code --prefix} is the old spelling of {@code --topic-prefix}, still
 * accepted with a warning.
 *
 * <p>The checkpoint interval: {@code --checkpoint-interval-ms} when given, else the cluster's
 * {@code execution.checkpointing.interval} (the Helm chart's {@code flinkConfiguration}), else the job's 1 s.
 * Monitor settings default to core's {@link MonitorConfig#defaults()}.
 */
public record JobArguments(String bootstrapServers, JobSettings settings) {

    static final String DEPRECATED_PREFIX = "prefix";

    /**
     * @param clusterCheckpoints the environment's checkpoint settings, as the cluster configured them
     * @param warnings           where a deprecated spelling is reported
     * @throws IllegalArgumentException naming the option for a missing or bad value
     */
    public static JobArguments parse(String[] args, CheckpointConfig clusterCheckpoints, PrintStream warnings) {
        ParameterTool params = ParameterTool.fromArgs(args);
        String prefix = params.get("topic-prefix");
        if (params.has(DEPRECATED_PREFIX)) {
            warnings.println("modehop flink job: warning: --prefix is deprecated and will be removed; use --topic-prefix");
            if (prefix == null) {
                prefix = params.get(DEPRECATED_PREFIX);
            }
        }
        Map<String, String> serde = new HashMap<>();
        serde.put(AvroSerdes.REGISTRY_URL, required(params, "registry"));
        if (params.has("value-serializer")) {
            serde.put(AvroSerdes.SERIALIZER, params.get("value-serializer"));
        }
        if (params.has("value-deserializer")) {
            serde.put(AvroSerdes.DESERIALIZER, params.get("value-deserializer"));
        }
        MonitorConfig defaults = MonitorConfig.defaults();
        int k = intOption(params, "stability-checkpoints", defaults.stabilityCheckpoints());
        long timeoutMs = intOption(params, "missing-timeout", (int) (defaults.missingScoreTimeoutMs() / 1000)) * 1000L;
        String rulesText = params.has("rules") ? read(Path.of(params.get("rules"))) : "";
        // Built here once so that a bad value or rules file fails at submission, not on a task manager.
        monitorConfig(k, timeoutMs, rulesText);
        JobSettings.Builder builder = JobSettings.builder(prefix == null ? "" : prefix, serde)
                .monitorConfig(() -> monitorConfig(k, timeoutMs, rulesText));
        long clusterInterval = clusterCheckpoints.getCheckpointInterval();
        if (params.has("checkpoint-interval-ms")) {
            builder.checkpointInterval(Duration.ofMillis(intOption(params, "checkpoint-interval-ms", 0)));
        } else if (clusterInterval > 0) {
            builder.checkpointInterval(Duration.ofMillis(clusterInterval));
        }
        JobSettings settings = builder.build();
        if (settings.checkpointInterval().toMillis() < 1) {
            throw new IllegalArgumentException("--checkpoint-interval-ms must be >= 1, got "
                    + settings.checkpointInterval().toMillis());
        }
        return new JobArguments(required(params, "bootstrap"), settings);
    }

    private static MonitorConfig monitorConfig(int k, long timeoutMs, String rulesText) {
        return MonitorConfig.builder().stabilityCheckpoints(k).missingScoreTimeoutMs(timeoutMs)
                .rules(AlertRules.parse(rulesText)).build();
    }

    private static String required(ParameterTool params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static int intOption(ParameterTool params, String name, int fallback) {
        if (!params.has(name)) {
            return fallback;
        }
        try {
            return Integer.parseInt(params.get(name).trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + params.get(name) + "'");
        }
    }

    private static String read(Path rules) {
        try {
            return Files.readString(rules);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read rules file " + rules + ": " + e.getMessage(), e);
        }
    }
}
