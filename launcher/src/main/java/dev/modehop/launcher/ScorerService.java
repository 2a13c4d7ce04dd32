package dev.modehop.launcher;

import dev.modehop.ops.ConsumerGroupLag;
import dev.modehop.ops.GracefulShutdown;
import dev.modehop.ops.HealthServer;
import dev.modehop.ops.ServiceConfig;
import dev.modehop.ops.ServiceMetrics;
import dev.modehop.schemas.Topics;
import dev.modehop.scorer.worker.ScorerListener;
import dev.modehop.scorer.worker.ScorerSettings;
import dev.modehop.scorer.worker.AveragingWorker;
import dev.modehop.scorer.worker.ScorerWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code modehop scorer} as a running service: one {@link ScorerWorker} on its own thread, the meters it
 * records where the work happens (items scored, seconds per checkpoint, announcement-to-scores latency, dead
 * letters), the group's queue lag on {@code checkpoint.ready}, and health: ready once the model engine is loaded
 * (at start: a worker without it does not start) and the worker joined its consumer group (its first assignment, which may be empty when
 * there are more workers than partitions), while its loop runs; alive while the loop runs.
 */
final class ScorerService {
    final ScorerWorker worker;
    final HealthServer health;
    final ServiceMetrics metrics;

    private ScorerService(ScorerWorker worker, HealthServer health, ServiceMetrics metrics) {
        this.worker = worker;
        this.health = health;
        this.metrics = metrics;
    }

    static ScorerService start(ServiceConfig cfg, ScorerSettings settings, GracefulShutdown shutdown, PrintStream log) {
        ServiceMetrics metrics = shutdown.register("metrics", new ServiceMetrics(cfg.serviceName()));
        HealthServer health = shutdown.register("health", HealthServer.start(cfg.healthPort(), metrics));
        Topics topics = ServiceCommands.topics(cfg);
        shutdown.register("queue lag", ConsumerGroupLag.start(cfg.toKafkaProperties(), cfg.groupId(),
                List.of(topics.checkpointReady.name()), Duration.ofSeconds(10), metrics));
        // Loads DJL's engine and its native library now: a worker that cannot load it must not start and then
        // dead-letter every valid checkpoint as "scoring failed".
        String engine = ai.djl.engine.Engine.getInstance().getEngineName() + " "
                + ai.djl.engine.Engine.getInstance().getVersion();
        log.println("scorer: model engine " + engine + " loaded");
        ScorerWorker worker = ScorerWorker.create(ServiceCommands.kafka(cfg), cfg.groupId(),
                cfg.groupInstanceId().orElse(null), topics, settings, cfg.serviceName(), log);
        Counter items = metrics.scoringItems();
        Timer scoring = metrics.scoringDuration();
        Timer latency = metrics.checkpointLatency("scored");
        Counter deadLetters = metrics.dlqRecords(topics.checkpointReady.name());
        AtomicBoolean joined = new AtomicBoolean();
        worker.listener(new ScorerListener() {
            @Override
            public void onAssigned(Collection<TopicPartition> partitions) {
                joined.set(true);
            }

            @Override
            public void onScored(int scored, Duration took, Duration sinceAnnounced) {
                items.increment(scored);
                scoring.record(took);
                latency.record(sinceAnnounced);
            }

            @Override
            public void onDeadLetter(String reason) {
                deadLetters.increment();
            }
        });
        Thread loop = new Thread(worker::run, "scorer-worker");
        loop.start();
        shutdown.register("scorer worker", () -> {
            worker.close();
            loop.join(30_000);
        });
        // the averaging tests of hops, in their own group (<group>-averaging) so long tests never stall scoring
        AveragingWorker averaging = AveragingWorker.create(ServiceCommands.kafka(cfg), cfg.groupId() + "-averaging",
                topics, settings, AveragingWorker.Settings.defaults(), cfg.serviceName(), log);
        Thread averagingLoop = new Thread(averaging, "averaging-worker");
        averagingLoop.start();
        shutdown.register("averaging worker", () -> {
            averaging.close();
            averagingLoop.join(30_000);
        });
        health.addReadinessCheck("worker loop alive", loop::isAlive);
        health.addReadinessCheck("joined consumer group", joined::get);
        health.addLivenessCheck("worker loop alive", loop::isAlive);
        health.addLivenessCheck("averaging loop alive", averagingLoop::isAlive);
        return new ScorerService(worker, health, metrics);
    }
}
