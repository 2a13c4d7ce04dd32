package dev.modehop.ops;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Health and metrics glue for a Kafka Streams application. Kept apart from {@link ServiceMetrics} so that
 * services without Kafka Streams on the classpath (scorer, dashboard) never load it.
 */
public final class KafkaStreamsHealth {

    private KafkaStreamsHealth() {
    }

    /** Ready only while all stream threads run; REBALANCING and everything else count as not ready. */
    public static BooleanSupplier running(KafkaStreams streams) {
        return () -> streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Alive unless the instance died (ERROR) or was stopped (PENDING_ERROR, NOT_RUNNING) without the
     * process being asked to stop; the orchestrator then restarts the pod.
     */
    public static BooleanSupplier notFailed(KafkaStreams streams) {
        return () -> switch (streams.state()) {
            case ERROR, PENDING_ERROR, NOT_RUNNING -> false;
            default -> true;
        };
    }

    /** Binds the Kafka Streams metrics (thread, task, state-store, embedded client metrics). */
    public static AutoCloseable bindMetrics(ServiceMetrics metrics, KafkaStreams streams) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, Tags.of("client", "streams"));
        binder.bindTo(metrics.registry());
        metrics.keepCloseable(binder::close);
        return binder::close;
    }
}
