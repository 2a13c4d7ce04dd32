package dev.modehop.launcher;

import dev.modehop.core.Direction;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.Output;
import dev.modehop.core.RunMonitor;
import dev.modehop.ops.ConsumerGroupLag;
import dev.modehop.ops.GracefulShutdown;
import dev.modehop.ops.HealthServer;
import dev.modehop.ops.KafkaStreamsHealth;
import dev.modehop.ops.ServiceConfig;
import dev.modehop.ops.ServiceMetrics;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.streams.MonitorQueryServer;
import dev.modehop.streams.MonitorStreamsJob;
import dev.modehop.streams.ProcessingListener;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * {@code modehop streams} as a running service: the Kafka Streams job, its metrics (the job's counters, the
 * Streams client metrics with the consumers' {@code records-lag-max}, the group's lag on the inputs), health
 * ({@code /health/ready} while the job is RUNNING, not while it rebalances) and, when {@code streams.query.port}
 * is set, its interactive queries ({@link MonitorQueryServer}, advertised as {@code application.server}).
 * Everything it opens is registered on {@code shutdown}, closed newest first.
 */
final class StreamsService {
    final MonitorStreamsJob job;
    final HealthServer health;
    /** Null when {@code streams.query.port} is unset. */
    final MonitorQueryServer queries;
    final ServiceMetrics metrics;

    private StreamsService(MonitorStreamsJob job, HealthServer health, MonitorQueryServer queries, ServiceMetrics metrics) {
        this.job = job;
        this.health = health;
        this.queries = queries;
        this.metrics = metrics;
    }

    static StreamsService start(ServiceConfig cfg, MonitorConfig monitorConfig, GracefulShutdown shutdown) {
        ServiceMetrics metrics = shutdown.register("metrics", new ServiceMetrics(cfg.serviceName()));
        HealthServer health = shutdown.register("health", HealthServer.start(cfg.healthPort(), metrics));
        Map<String, Object> overrides = ServiceCommands.kafka(cfg);
        overrides.remove("bootstrap.servers");
        MonitorQueryServer queries = null;
        if (cfg.getNonBlank(ServiceConfig.STREAMS_QUERY_PORT).isPresent()) {
            // Bound first, so that application.server names the real port even when the key says 0.
            queries = shutdown.register("interactive queries", MonitorQueryServer.bind(
                    cfg.get(ServiceConfig.STREAMS_QUERY_HOST).orElse("127.0.0.1"), cfg.getInt(ServiceConfig.STREAMS_QUERY_PORT, 0),
                    cfg.getNonBlank(ServiceConfig.STREAMS_APPLICATION_SERVER).orElse(null),
                    cfg.getNonBlank(ServiceConfig.READ_TOKEN).orElse(null)));
            overrides.put("application.server", queries.applicationServer());
        } else {
            cfg.getNonBlank(ServiceConfig.STREAMS_APPLICATION_SERVER)
                    .ifPresent(server -> overrides.put("application.server", server));
        }
        // Kafka Streams appends each stream thread's index to it.
        cfg.groupInstanceId().ifPresent(id -> overrides.put(ServiceConfig.GROUP_INSTANCE_ID, id));
        Properties props = MonitorStreamsJob.config(cfg.bootstrapServers(), cfg.groupId(), cfg.streamsStateDir(),
                overrides);
        Topics topics = ServiceCommands.topics(cfg);
        // Series that exist from the start read 0 instead of "no data" until the first hop or dead letter.
        for (Direction direction : Direction.values()) {
            metrics.hopsDetected(direction.name());
        }
        topics.inputs().forEach(input -> metrics.dlqRecords(input.name()));
        ProcessingListener counting = new ProcessingListener() {
            @Override
            public void onInput(String topic) {
                metrics.eventsIn(topic).increment();
            }

            @Override
            public void onOutput(Output output, String topic) {
                metrics.eventsOut(topic).increment();
                if (output instanceof Output.ModeHop hop) {
                    metrics.hopsDetected(hop.direction().name()).increment();
                }
            }

            @Override
            public void onDeadLetter(String sourceTopic, String reason) {
                metrics.dlqRecords(sourceTopic).increment();
            }
        };
        shutdown.register("input lag", ConsumerGroupLag.start(cfg.toKafkaProperties(), cfg.groupId(),
                topics.inputs().stream().map(Topic::name).toList(), Duration.ofSeconds(10), metrics));
        MonitorStreamsJob job = shutdown.register("streams job",
                MonitorStreamsJob.start(topics, new RunMonitor(monitorConfig), props, counting));
        KafkaStreamsHealth.bindMetrics(metrics, job.streams());
        health.addReadinessCheck("streams running", KafkaStreamsHealth.running(job.streams()));
        health.addLivenessCheck("streams not failed", KafkaStreamsHealth.notFailed(job.streams()));
        if (queries != null) {
            queries.serve(job);
        }
        return new StreamsService(job, health, queries, metrics);
    }
}
