package dev.modehop.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The meters every modehop service shares, on one Prometheus registry that {@link HealthServer} serves
 * at {@code /metrics}. Names below are Micrometer names; Prometheus sees dots as underscores and counters
 * with a {@code _total} suffix (e.g. {@code modehop_events_in_total}).
 *
 * <p>Every meter carries the tag {@code service}. Tag values are low-cardinality on purpose: topic names
 * and directions, never run ids.
 */
public final class ServiceMetrics implements AutoCloseable {

    public static final String EVENTS_IN = "modehop.events.in";
    public static final String EVENTS_OUT = "modehop.events.out";
    public static final String DLQ_RECORDS = "modehop.dlq.records";
    public static final String HOPS_DETECTED = "modehop.hops.detected";
    public static final String SCORING_ITEMS = "modehop.scoring.items";
    public static final String CHECKPOINT_LATENCY = "modehop.checkpoint.latency";
    public static final String SCORING_DURATION = "modehop.scoring.duration";
    public static final String CONSUMER_GROUP_LAG = "modehop.consumer.group.lag";

    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final JvmGcMetrics gcMetrics;

    public ServiceMetrics(String serviceName) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", serviceName);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
    }

    /** The underlying registry, for services that add their own meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition of all meters. */
    public String scrape() {
        return registry.scrape();
    }

    /** Records read from {@code topic} (logical name, without the deployment's prefix). */
    public Counter eventsIn(String topic) {
        return Counter.builder(EVENTS_IN).description("Records consumed").tag("topic", topic).register(registry);
    }

    /** Records written to {@code topic}. */
    public Counter eventsOut(String topic) {
        return Counter.builder(EVENTS_OUT).description("Records produced").tag("topic", topic).register(registry);
    }

    /** Records sent to the dead-letter twin of {@code sourceTopic}. */
    public Counter dlqRecords(String sourceTopic) {
        return Counter.builder(DLQ_RECORDS).description("Records that could not be processed and went to a .dlq topic")
                .tag("topic", sourceTopic).register(registry);
    }

    /** Hops detected, by direction ({@code UP}/{@code DOWN}). */
    public Counter hopsDetected(String direction) {
        return Counter.builder(HOPS_DETECTED).description("Mode hops detected").tag("direction", direction)
                .register(registry);
    }

    /** Probe items scored; Prometheus' {@code rate()} over it gives items per second. */
    public Counter scoringItems() {
        return Counter.builder(SCORING_ITEMS).description("Probe items scored").register(registry);
    }

    /**
     * Time from a checkpoint's announcement to the moment {@code stage} finished with it
     * ({@code scored} in the scorer, {@code evaluated} in the stream job). Publishes a histogram so
     * Grafana can show quantiles across pods.
     */
    public Timer checkpointLatency(String stage) {
        return Timer.builder(CHECKPOINT_LATENCY).description("Checkpoint announced -> stage finished")
                .tag("stage", stage)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(2))
                .register(registry);
    }

    /**
     * Seconds one checkpoint took to load and score (the scorer's own work, without queueing: that is
     * {@link #checkpointLatency(String)}); a histogram, so Grafana shows quantiles across workers.
     */
    public Timer scoringDuration() {
        return Timer.builder(SCORING_DURATION).description("Load and scoring of one checkpoint")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(2))
                .register(registry);
    }

    /** Binds a producer's client metrics (record send rate, errors, ...); closes with this object. */
    public AutoCloseable bindKafkaClient(Producer<?, ?> producer) {
        return keep(new KafkaClientMetrics(producer, Tags.of("client", "producer")));
    }

    /** Binds a consumer's client metrics, including {@code kafka.consumer.fetch.manager.records.lag.max}. */
    public AutoCloseable bindKafkaClient(Consumer<?, ?> consumer) {
        return keep(new KafkaClientMetrics(consumer, Tags.of("client", "consumer")));
    }

    public AutoCloseable bindKafkaClient(AdminClient admin) {
        return keep(new KafkaClientMetrics(admin, Tags.of("client", "admin")));
    }

    AutoCloseable keep(KafkaClientMetrics binder) {
        binder.bindTo(registry);
        synchronized (binders) {
            binders.add(binder);
        }
        return binder::close;
    }

    void keepCloseable(AutoCloseable binder) {
        synchronized (binders) {
            binders.add(binder);
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (binders) {
            toClose = new ArrayList<>(binders);
            binders.clear();
        }
        for (AutoCloseable binder : toClose) {
            try {
                binder.close();
            } catch (Exception ignored) {
                // Closing a metrics binder only stops its refresh task; nothing to recover.
            }
        }
        gcMetrics.close();
        registry.close();
    }
}
