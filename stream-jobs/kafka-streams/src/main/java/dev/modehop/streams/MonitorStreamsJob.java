package dev.modehop.streams;

import dev.modehop.core.RunMonitor;
import dev.modehop.schemas.CoPartitioning;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.step.MonitorStep;
import dev.modehop.step.StepSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the topology: configuration, start, readiness and a clean close. */
public final class MonitorStreamsJob implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorStreamsJob.class);

    private final KafkaStreams streams;
    private final MonitorQueries queries;

    private MonitorStreamsJob(KafkaStreams streams, MonitorStep step) {
        this.streams = streams;
        this.queries = new MonitorQueries(streams, step);
    }

    /** The job's Kafka Streams settings; {@code overrides} (client settings, SASL/SSL...) win. */
    public static Properties config(String bootstrapServers, String applicationId, String stateDir,
                                    Map<String, ?> overrides) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Hops must be visible within a fraction of a second; exactly-once commits make them visible.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // A commit falls due while the stream thread waits in poll for input that has paused (the last scores of a
        // checkpoint); it waits up to poll.ms (default 100) before it commits, which doubled the tail of the time
        // to a visible hop (bench/README.md). The price: up to 100 empty polls a second while input pauses.
        p.put(StreamsConfig.POLL_MS_CONFIG, 10);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // The record cache (of the deadline store; the run parts have the step's write-back cache instead) collapses
        // a run's deadline moves within one commit into one changelog write.
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16L * 1024 * 1024);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        // The store's changelog gets a new version of a run's state with nearly every commit. Small segments
        // let the log cleaner compact old versions away (it never touches the active segment), so that an
        // instance restarted after a crash (exactly-once wipes its local store) restores the latest states
        // instead of their whole history: that restore is most of the takeover time.
        p.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_BYTES_CONFIG), 8 * 1024 * 1024);
        p.put(StreamsConfig.topicPrefix(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG), "0.2");
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.putAll(overrides);
        return p;
    }

    public static MonitorStreamsJob start(Topics topics, RunMonitor monitor, Properties config) {
        return start(topics, monitor, config, ProcessingListener.NONE);
    }

    public static MonitorStreamsJob start(Topics topics, RunMonitor monitor, Properties config,
                                          ProcessingListener listener) {
        return start(topics, new MonitorStep(topics, monitor, StepSettings.defaults()), config, listener);
    }

    /** With the step's own settings (run expiry, output size limit). */
    public static MonitorStreamsJob start(Topics topics, MonitorStep step, Properties config,
                                          ProcessingListener listener) {
        CoPartitioning.require(config, topics.inputs().stream().map(Topic::name).toList());
        KafkaStreams streams = new KafkaStreams(MonitorTopology.build(topics, step, MonitorTopology.DEFAULT_LATENESS,
                listener), config);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            LOG.info("streams job {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
        });
        streams.start();
        try {
            if (!running.await(120, TimeUnit.SECONDS)) {
                LOG.warn("streams job not RUNNING after 120 s (state {})", streams.state());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new MonitorStreamsJob(streams, step);
    }

    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING || streams.state() == KafkaStreams.State.REBALANCING;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public MonitorQueries queries() {
        return queries;
    }

    /**
     * Commits, closes and leaves the consumer group, so that a restarted or remaining instance takes the
     * partitions over at once instead of after the session timeout (45 s).
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
