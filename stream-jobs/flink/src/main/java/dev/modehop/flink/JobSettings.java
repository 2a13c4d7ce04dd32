package dev.modehop.flink;

import dev.modehop.core.MonitorConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * What the Flink job needs besides its source and sink.
 *
 * @param topicPrefix        prepended to every topic name, as for the Kafka Streams job
 * @param serdeConfig        {@code AvroSerdes} settings (registry URL, optional serde classes)
 * @param monitorConfig      builds the semantics' configuration on each task (MonitorConfig is not serializable)
 * @param stateTtl           a run without input for this long (event time) is deleted, state and timer (zero: kept)
 * @param outOfOrderness     how far behind the newest producer time a scorer may still deliver before the
 *                           watermark passes it (only the missing-score timers depend on it)
 * @param idleness           a partition without records for this long stops holding the watermark back
 * @param checkpointInterval exactly-once checkpoints; also how often outputs become visible to
 *                           read_committed consumers
 * @param delivery           EXACTLY_ONCE (Kafka transactions, the default) or AT_LEAST_ONCE
 */
public record JobSettings(String topicPrefix, Map<String, String> serdeConfig,
                          SerializableSupplier<MonitorConfig> monitorConfig, Duration stateTtl,
                          Duration outOfOrderness, Duration idleness, Duration checkpointInterval,
                          DeliveryGuarantee delivery)
        implements Serializable {

    public JobSettings {
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        serdeConfig = new HashMap<>(serdeConfig);
    }

    public static JobSettings defaults(String topicPrefix, Map<String, String> serdeConfig) {
        return new JobSettings(topicPrefix, serdeConfig, MonitorConfig::defaults, Duration.ofDays(14),
                Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(1), DeliveryGuarantee.EXACTLY_ONCE);
    }

    public JobSettings withMonitorConfig(SerializableSupplier<MonitorConfig> config) {
        return new JobSettings(topicPrefix, serdeConfig, config, stateTtl, outOfOrderness, idleness,
                checkpointInterval, delivery);
    }

    public JobSettings withCheckpointInterval(Duration interval) {
        return new JobSettings(topicPrefix, serdeConfig, monitorConfig, stateTtl, outOfOrderness, idleness, interval,
                delivery);
    }

    public JobSettings withDelivery(DeliveryGuarantee guarantee) {
        return new JobSettings(topicPrefix, serdeConfig, monitorConfig, stateTtl, outOfOrderness, idleness,
                checkpointInterval, guarantee);
    }

    public InputDecoder decoder() {
        return new InputDecoder(topicPrefix, serdeConfig);
    }
}
