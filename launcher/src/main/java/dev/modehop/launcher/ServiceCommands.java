package dev.modehop.launcher;

import dev.modehop.core.MonitorConfig;
import dev.modehop.ops.GracefulShutdown;
import dev.modehop.ops.ServiceConfig;
import dev.modehop.ops.TopicProvisioner;
import dev.modehop.schemas.Topics;
import dev.modehop.scorer.scoring.ScoringOptions;
import dev.modehop.scorer.worker.ScorerSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Each component as its own long-running process against external Kafka and a registry, configured by
 * a file ($MODEHOP_CONFIG_FILE or --config) and MODEHOP_* environment variables (see ops/README.md), with
 * /health/live, /health/ready and /metrics on $MODEHOP_HEALTH_PORT and a graceful stop on SIGTERM.
 */
final class ServiceCommands {
    private ServiceCommands() {
    }

    static ServiceConfig load(Path file) {
        try {
            return file == null ? ServiceConfig.fromEnvironment() : ServiceConfig.load(file, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    /** The topics with the serde the configuration names (value.serializer, serde.*), else the default one. */
    static Topics topics(ServiceConfig cfg) {
        return Topics.create(cfg.topicPrefix(), cfg.serdeConfig());
    }

    /**
     * The monitor settings of the service mode: stability.checkpoints, missing.timeout.seconds and rules.file
     * from the configuration, core's MonitorConfig defaults where unset; {@code --rules} wins over rules.file.
     */
    static MonitorOptions monitorOptions(ServiceConfig cfg, Path rulesOption) {
        MonitorOptions options = new MonitorOptions();
        options.rules = rulesOption != null ? rulesOption
                : cfg.getNonBlank(ServiceConfig.RULES_FILE).map(Path::of).orElse(null);
        options.stabilityCheckpoints = cfg.getInt(ServiceConfig.STABILITY_CHECKPOINTS, options.stabilityCheckpoints);
        options.missingTimeoutSeconds = cfg.getInt(ServiceConfig.MISSING_TIMEOUT_SECONDS,
                (int) options.missingTimeoutSeconds);
        return options;
    }

    static Map<String, Object> kafka(ServiceConfig cfg) {
        Map<String, Object> out = new HashMap<>();
        cfg.toKafkaProperties().forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    @Command(name = "streams", mixinStandardHelpOptions = true,
            description = "Runs the Kafka Streams detection job as a service (application.id = $MODEHOP_GROUP_ID).")
    static final class Streams implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "settings file (default: $MODEHOP_CONFIG_FILE)")
        Path config;

        @Option(names = "--rules", paramLabel = "FILE",
                description = "alert and control rules (default: rules.file, $MODEHOP_RULES_FILE)")
        Path rules;

        @Override
        public Integer call() throws Exception {
            ServiceConfig cfg = load(config);
            MonitorConfig monitorConfig = monitorOptions(cfg, rules).config();
            GracefulShutdown shutdown = GracefulShutdown.onSignal("streams");
            StreamsService service = StreamsService.start(cfg, monitorConfig, shutdown);
            System.out.printf("streams: job %s (member %s) on %s, health on :%d%s%n", cfg.groupId(),
                    cfg.groupInstanceId().orElse("dynamic"), cfg.bootstrapServers(), service.health.port(),
                    service.queries == null ? "" : ", queries on :" + service.queries.port()
                            + " (application.server " + service.queries.applicationServer() + ")");
            shutdown.awaitShutdown();
            return 0;
        }
    }

    @Command(name = "scorer", mixinStandardHelpOptions = true,
            description = "Runs a scorer worker as a service: consumes checkpoint.ready in consumer group "
                    + "$MODEHOP_GROUP_ID, scores each checkpoint on $MODEHOP_DEVICE (cpu or cuda), emits probe.scored.")
    static final class Scorer implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "settings file (default: $MODEHOP_CONFIG_FILE)")
        Path config;

        @Option(names = "--suite",
                description = "default probe suite when an event names none (default: suite, $MODEHOP_SUITE, or starter-en)")
        String suite;

        @Override
        public Integer call() throws Exception {
            ServiceConfig cfg = load(config);
            GracefulShutdown shutdown = GracefulShutdown.onSignal("scorer");
            ScorerSettings.Builder settings = ScorerSettings.builder().device(cfg.device());
            if (suite != null) {
                settings.defaultSuite(suite);
            } else {
                cfg.getNonBlank(ServiceConfig.SUITE).ifPresent(settings::defaultSuite);
            }
            String progress = cfg.getNonBlank(ServiceConfig.PROGRESS_SECONDS).orElse(null);
            if (progress != null) {
                double seconds;
                try {
                    seconds = Double.parseDouble(progress);
                } catch (NumberFormatException e) {
                    seconds = -1;
                }
                if (!(seconds >= 0)) {
                    throw new UserInputException(ServiceConfig.PROGRESS_SECONDS + " must be a number of seconds >= 0, got '"
                            + progress + "'");
                }
                settings.scoring(ScoringOptions.builder()
                        .progressInterval(java.time.Duration.ofMillis(Math.round(seconds * 1000))).build());
            }
            ScorerService service = ScorerService.start(cfg, settings.build(), shutdown, System.out);
            System.out.printf("scorer: group %s on %s, device %s, health on :%d%n", cfg.groupId(),
                    cfg.bootstrapServers(), cfg.device(), service.health.port());
            shutdown.awaitShutdown();
            return 0;
        }
    }

    @Command(name = "topics", mixinStandardHelpOptions = true, description = "Topic provisioning.",
            subcommands = TopicsCreate.class)
    static final class TopicsGroup implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates missing topics (and their .dlq twins) with the partitions, replication and "
                    + "retention of a topics file; reports existing topics that differ, never changes them.")
    static final class TopicsCreate implements Callable<Integer> {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "topics file (deploy/topics.yaml)")
        Path file;

        @Option(names = "--config", paramLabel = "FILE", description = "settings file (default: $MODEHOP_CONFIG_FILE)")
        Path config;

        @Override
        public Integer call() {
            return TopicProvisioner.run(load(config), file, System.out);
        }
    }
}
