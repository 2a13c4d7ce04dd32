package dev.modehop.dashboard;

import dev.modehop.schemas.AvroSerdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where the dashboard reads and listens, and who may use it.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param serdeConfig      {@link AvroSerdes} settings: the registry URL, optionally replacement serde classes
 * @param topicPrefix      prefix of every topic name, empty for none
 * @param host             address to bind the HTTP server to ({@code 127.0.0.1} keeps it on this machine)
 * @param port             HTTP port, 0 for any free one
 * @param controlToken     bearer token that control actions must carry; null makes the dashboard read-only. When
 *                         set, reads need a token too (this one or {@code readToken})
 * @param groupId          consumer group; unique per instance, since every dashboard needs every partition
 * @param kafkaOverrides   extra client settings (security, SASL...) for the consumer and the control producer
 * @param readToken        bearer token that allows reading only; null for none. Set alone, it guards reads of a
 *                         read-only dashboard
 * @param allowedHosts     host names a request's {@code Host} may carry besides the bound address and localhost
 *                         (e.g. the name of a reverse proxy in front)
 * @param idleAfter        a run with no new record for this long is shown IDLE instead of RUNNING
 * @param streamsUrl       the Streams job's interactive-query endpoint ({@code dashboard.streams.url}); null: a
 *                         run's current state comes from the topics the dashboard folds
 */
public record DashboardSettings(String bootstrapServers, Map<String, ?> serdeConfig, String topicPrefix, String host,
                                int port, String controlToken, String groupId, Map<String, ?> kafkaOverrides,
                                String readToken, List<String> allowedHosts, Duration idleAfter,
                                String streamsUrl) {

    /** Default silence after which a run counts as idle: a few checkpoint intervals of a slow run. */
    public static final Duration DEFAULT_IDLE_AFTER = Duration.ofMinutes(10);

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
        readToken = readToken == null || readToken.isBlank() ? null : readToken;
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        idleAfter = idleAfter == null ? DEFAULT_IDLE_AFTER : idleAfter;
        streamsUrl = streamsUrl == null || streamsUrl.isBlank() ? null : streamsUrl;
        if (idleAfter.isNegative() || idleAfter.isZero()) {
            throw new IllegalArgumentException("idleAfter must be positive, got " + idleAfter);
        }
    }

    /** Read-only, open to read, on 127.0.0.1, any free port, no topic prefix. */
    public static DashboardSettings of(String bootstrapServers, String registryUrl) {
        Map<String, Object> serde = new HashMap<>();
        serde.put(AvroSerdes.REGISTRY_URL, registryUrl);
        return new DashboardSettings(bootstrapServers, serde, "", null, 0, null, null, Map.of(), null, List.of(),
                null, null);
    }

    /** The schema registry's base URL, as the serdes use it. */
    public String registryUrl() {
        Object url = serdeConfig.get(AvroSerdes.REGISTRY_URL);
        return url == null ? null : url.toString();
    }

    /** The tokens are secrets: keep them out of logs and exception messages. */
    @Override
    public String toString() {
        return "DashboardSettings[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + ", host="
                + host + ", port=" + port + ", readOnly=" + (controlToken == null) + ", readsGuarded="
                + (controlToken != null || readToken != null) + ", allowedHosts=" + allowedHosts + ", idleAfter="
                + idleAfter + ", groupId=" + groupId + ", streamsUrl=" + streamsUrl + "]";
    }

    /** A builder starting from {@link #of}. */
    public static Builder builder(String bootstrapServers, String registryUrl) {
        return of(bootstrapServers, registryUrl).toBuilder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The record's fields by name, from the values it was made from; {@link #build()} checks them. */
    public static final class Builder {
        private String bootstrapServers;
        private Map<String, ?> serdeConfig;
        private String topicPrefix;
        private String host;
        private int port;
        private String controlToken;
        private String groupId;
        private Map<String, ?> kafkaOverrides;
        private String readToken;
        private List<String> allowedHosts;
        private Duration idleAfter;
        private String streamsUrl;

        private Builder(DashboardSettings from) {
            bootstrapServers = from.bootstrapServers;
            serdeConfig = from.serdeConfig;
            topicPrefix = from.topicPrefix;
            host = from.host;
            port = from.port;
            controlToken = from.controlToken;
            groupId = from.groupId;
            kafkaOverrides = from.kafkaOverrides;
            readToken = from.readToken;
            allowedHosts = from.allowedHosts;
            idleAfter = from.idleAfter;
            streamsUrl = from.streamsUrl;
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder serdeConfig(Map<String, ?> serdeConfig) {
            this.serdeConfig = serdeConfig;
            return this;
        }

        public Builder topicPrefix(String topicPrefix) {
            this.topicPrefix = topicPrefix;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder controlToken(String controlToken) {
            this.controlToken = controlToken;
            return this;
        }

        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder kafkaOverrides(Map<String, ?> kafkaOverrides) {
            this.kafkaOverrides = kafkaOverrides;
            return this;
        }

        public Builder readToken(String readToken) {
            this.readToken = readToken;
            return this;
        }

        public Builder allowedHosts(List<String> allowedHosts) {
            this.allowedHosts = allowedHosts;
            return this;
        }

        public Builder idleAfter(Duration idleAfter) {
            this.idleAfter = idleAfter;
            return this;
        }

        public Builder streamsUrl(String streamsUrl) {
            this.streamsUrl = streamsUrl;
            return this;
        }

        public DashboardSettings build() {
            return new DashboardSettings(bootstrapServers, serdeConfig, topicPrefix, host, port, controlToken, groupId,
                    kafkaOverrides, readToken, allowedHosts, idleAfter, streamsUrl);
        }
    }
}
