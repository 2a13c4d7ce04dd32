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

    public InputDecoder decoder() {
        return new InputDecoder(topicPrefix, serdeConfig);
    }

    /** A builder starting from the defaults ({@link #defaults}). */
    public static Builder builder(String topicPrefix, Map<String, String> serdeConfig) {
        return defaults(topicPrefix, serdeConfig).toBuilder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The record's fields by name, from the values it was made from; {@link #build()} checks them. */
    public static final class Builder {
        private String topicPrefix;
        private Map<String, String> serdeConfig;
        private SerializableSupplier<MonitorConfig> monitorConfig;
        private Duration stateTtl;
        private Duration outOfOrderness;
        private Duration idleness;
        private Duration checkpointInterval;
        private DeliveryGuarantee delivery;

        private Builder(JobSettings from) {
            topicPrefix = from.topicPrefix;
            serdeConfig = from.serdeConfig;
            monitorConfig = from.monitorConfig;
            stateTtl = from.stateTtl;
            outOfOrderness = from.outOfOrderness;
            idleness = from.idleness;
            checkpointInterval = from.checkpointInterval;
            delivery = from.delivery;
        }

        public Builder topicPrefix(String topicPrefix) {
            this.topicPrefix = topicPrefix;
            return this;
        }

        public Builder serdeConfig(Map<String, String> serdeConfig) {
            this.serdeConfig = serdeConfig;
            return this;
        }

        public Builder monitorConfig(SerializableSupplier<MonitorConfig> monitorConfig) {
            this.monitorConfig = monitorConfig;
            return this;
        }

        public Builder stateTtl(Duration stateTtl) {
            this.stateTtl = stateTtl;
            return this;
        }

        public Builder outOfOrderness(Duration outOfOrderness) {
            this.outOfOrderness = outOfOrderness;
            return this;
        }

        public Builder idleness(Duration idleness) {
            this.idleness = idleness;
            return this;
        }

        public Builder checkpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = checkpointInterval;
            return this;
        }

        public Builder delivery(DeliveryGuarantee delivery) {
            this.delivery = delivery;
            return this;
        }

        public JobSettings build() {
            return new JobSettings(topicPrefix, serdeConfig, monitorConfig, stateTtl, outOfOrderness, idleness,
                    checkpointInterval, delivery);
        }
    }
}
