package dev.modehop.dashboard;

import dev.modehop.schemas.AvroSerdes;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where the dashboard reads and listens.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param serdeConfig      {@link AvroSerdes} settings: the registry URL, optionally replacement serde classes
 * @param topicPrefix      prefix of every topic name, empty for none
 * @param host             address to bind the HTTP server to ({@code 127.0.0.1} keeps it on this machine)
 * @param port             HTTP port, 0 for any free one
 * @param controlToken     bearer token that control actions must carry; null makes the dashboard read-only
 * @param groupId          consumer group; unique per instance, since every dashboard needs every partition
 * @param kafkaOverrides   extra client settings (security, SASL...) for the consumer and the control producer
 */
public record DashboardSettings(String bootstrapServers, Map<String, ?> serdeConfig, String topicPrefix, String host,
                                int port, String controlToken, String groupId, Map<String, ?> kafkaOverrides) {

    public DashboardSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        serdeConfig = Map.copyOf(serdeConfig);
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        controlToken = controlToken == null || controlToken.isBlank() ? null : controlToken;
        groupId = groupId == null || groupId.isBlank() ? "modehop-dashboard-" + UUID.randomUUID() : groupId;
        kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
    }

    /** Read-only, on 127.0.0.1, any free port, no topic prefix. */
    public static DashboardSettings of(String bootstrapServers, String registryUrl) {
        Map<String, Object> serde = new HashMap<>();
        serde.put(AvroSerdes.REGISTRY_URL, registryUrl);
        return new DashboardSettings(bootstrapServers, serde, "", null, 0, null, null, Map.of());
    }

    public DashboardSettings withTopicPrefix(String prefix) {
        return new DashboardSettings(bootstrapServers, serdeConfig, prefix, host, port, controlToken, groupId,
                kafkaOverrides);
    }

    public DashboardSettings withAddress(String bindHost, int bindPort) {
        return new DashboardSettings(bootstrapServers, serdeConfig, topicPrefix, bindHost, bindPort, controlToken,
                groupId, kafkaOverrides);
    }

    public DashboardSettings withControlToken(String token) {
        return new DashboardSettings(bootstrapServers, serdeConfig, topicPrefix, host, port, token, groupId,
                kafkaOverrides);
    }

    public DashboardSettings withKafkaOverrides(Map<String, ?> overrides) {
        return new DashboardSettings(bootstrapServers, serdeConfig, topicPrefix, host, port, controlToken, groupId,
                overrides);
    }

    /** The token is a secret: keep it out of logs and exception messages. */
    @Override
    public String toString() {
        return "DashboardSettings[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + ", host="
                + host + ", port=" + port + ", readOnly=" + (controlToken == null) + ", groupId=" + groupId + "]";
    }
}
