package dev.modehop.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path f = dir.resolve("modehop.properties");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void defaultsApplyWithoutFileOrEnvironment() {
        ServiceConfig cfg = ServiceConfig.load(null, Map.of("PATH", "/usr/bin"));
        assertEquals("localhost:9092", cfg.bootstrapServers());
        assertEquals("", cfg.topicPrefix());
        assertEquals("modehop", cfg.groupId());
        assertEquals("cpu", cfg.device());
        assertEquals(8081, cfg.healthPort());
        assertEquals("default", cfg.sourceOf(ServiceConfig.GROUP_ID));
        assertTrue(cfg.topicsReplicationFactor().isEmpty());
    }

    @Test
    void environmentBeatsFileBeatsDefaults() throws IOException {
        Path f = file("""
                bootstrap.servers=file-broker:9092
                group.id=file-group
                topic.prefix=staging.
                """);
        ServiceConfig cfg = ServiceConfig.load(f, Map.of(
                "MODEHOP_BOOTSTRAP_SERVERS", "env-broker:9093",
                "MODEHOP_DEVICE", "gpu:1"));
        assertEquals("env-broker:9093", cfg.bootstrapServers());
        assertEquals("environment variable MODEHOP_BOOTSTRAP_SERVERS", cfg.sourceOf(ServiceConfig.BOOTSTRAP_SERVERS));
        assertEquals("file-group", cfg.groupId());
        assertEquals("file " + f, cfg.sourceOf(ServiceConfig.GROUP_ID));
        assertEquals("gpu:1", cfg.device());
        assertEquals("staging.modehop.probe.scored", cfg.topic("modehop.probe.scored"));
        assertEquals("http://localhost:8080/apis/ccompat/v7", cfg.registryUrl());
    }

    @Test
    void fileCanBeNamedByEnvironmentVariable() throws IOException {
        Path f = file("registry.url=http://registry:8080/apis/registry/v3\n");
        ServiceConfig cfg = ServiceConfig.load(null, Map.of(ServiceConfig.CONFIG_FILE_ENV, f.toString()));
        assertEquals("http://registry:8080/apis/registry/v3", cfg.registryUrl());
    }

    @Test
    void kafkaSettingsPassThroughFromFileAndEnvironment() throws IOException {
        Path f = file("""
                kafka.security.protocol=SSL
                kafka.ssl.truststore.location=/etc/kafka/truststore.jks
                kafka.linger.ms=5
                """);
        ServiceConfig cfg = ServiceConfig.load(f, Map.of(
                "MODEHOP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "MODEHOP_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "MODEHOP_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "MODEHOP_BOOTSTRAP_SERVERS", "b1:9092,b2:9092"));
        Properties p = cfg.toKafkaProperties();
        assertEquals("b1:9092,b2:9092", p.getProperty("bootstrap.servers"));
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
        assertEquals("SCRAM-SHA-512", p.getProperty("sasl.mechanism"));
        assertTrue(p.getProperty("sasl.jaas.config").contains("ScramLoginModule"));
        assertEquals("/etc/kafka/truststore.jks", p.getProperty("ssl.truststore.location"));
        assertEquals("5", p.getProperty("linger.ms"));
        assertFalse(p.containsKey("group.id"), "group id is added per client, not for admin/producers");
        assertFalse(p.containsKey("device"));
        assertFalse(cfg.toString().contains("password=\\\"p\\\""), "secrets are masked in toString");
        assertTrue(cfg.toString().contains("kafka.sasl.jaas.config=****"));
    }

    @Test
    void serviceSpecificKeysAreKept() throws IOException {
        ServiceConfig cfg = ServiceConfig.load(file("scorer.batch.size=32\n"), Map.of("MODEHOP_SCORER_THREADS", "4"));
        assertEquals(32, cfg.getInt("scorer.batch.size", 1));
        assertEquals(4, cfg.getInt("scorer.threads", 1));
        assertEquals(7, cfg.getInt("scorer.absent", 7));
    }

    @Test
    void envNamesAndKeysMapBothWays() {
        assertEquals("kafka.sasl.jaas.config", ServiceConfig.keyForEnv("MODEHOP_KAFKA_SASL_JAAS_CONFIG"));
        assertEquals("MODEHOP_KAFKA_SASL_JAAS_CONFIG", ServiceConfig.envForKey("kafka.sasl.jaas.config"));
        assertEquals("MODEHOP_BOOTSTRAP_SERVERS", ServiceConfig.envForKey(ServiceConfig.BOOTSTRAP_SERVERS));
    }

    @Test
    void missingFileIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceConfig.load(dir.resolve("nope.properties"), Map.of()));
        assertTrue(e.getMessage().contains("nope.properties") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void directoryInsteadOfFileIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceConfig.load(dir, Map.of()));
        assertTrue(e.getMessage().contains("not a readable regular file"), e.getMessage());
    }

    @Test
    void malformedEscapeIsAClearError() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceConfig.load(file("group.id=\\uZZZZ\n"), Map.of()));
        assertTrue(e.getMessage().contains("not a valid properties file"), e.getMessage());
    }

    @Test
    void invalidUtf8IsAClearError() throws IOException {
        Path f = dir.resolve("latin1.properties");
        Files.write(f, "group.id=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceConfig.load(f, Map.of()));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void misspeltKeyIsRejectedWithSuggestion() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceConfig.load(file("bootstrap.server=x:9092\n"), Map.of()));
        assertTrue(e.getMessage().contains("did you mean 'bootstrap.servers'"), e.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> ServiceConfig.load(file("kafka_security.protocol=SSL\n"), Map.of()));
        assertTrue(k.getMessage().contains("did you mean 'kafka.security.protocol'"), k.getMessage());
    }

    @Test
    void badNumberNamesItsSource() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceConfig.load(file("health.port=80a\n"), Map.of()));
        assertTrue(e.getMessage().contains("health.port") && e.getMessage().contains("'80a'")
                && e.getMessage().contains("modehop.properties"), e.getMessage());
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> ServiceConfig.load(null, Map.of("MODEHOP_HEALTH_PORT", "70000")));
        assertTrue(env.getMessage().contains("MODEHOP_HEALTH_PORT"), env.getMessage());
    }

    @Test
    void registryUrlMustBeHttp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceConfig.load(null, Map.of("MODEHOP_REGISTRY_URL", "registry:8080")));
        assertTrue(e.getMessage().contains("registry.url"), e.getMessage());
    }

    @Test
    void replicationFactorOverrideIsOptional() {
        ServiceConfig cfg = ServiceConfig.load(null, Map.of("MODEHOP_TOPICS_REPLICATION_FACTOR", "1"));
        assertEquals(1, cfg.topicsReplicationFactor().orElseThrow());
    }

    @Test
    void staticMemberIdComesFromConfigurationThenPodNameThenHostname() {
        assertEquals(java.util.Optional.empty(), ServiceConfig.load(null, Map.of()).groupInstanceId());
        assertEquals("host-1", ServiceConfig.load(null, Map.of("HOSTNAME", "host-1")).groupInstanceId().orElseThrow());
        ServiceConfig pod = ServiceConfig.load(null, Map.of("HOSTNAME", "host-1", "POD_NAME", "streams-0"));
        assertEquals("streams-0", pod.groupInstanceId().orElseThrow());
        assertEquals("environment variable POD_NAME", pod.sourceOf(ServiceConfig.GROUP_INSTANCE_ID));
        assertEquals("worker-a", ServiceConfig.load(null, Map.of("POD_NAME", "streams-0",
                "MODEHOP_GROUP_INSTANCE_ID", "worker-a")).groupInstanceId().orElseThrow());
        assertEquals(java.util.Optional.empty(), ServiceConfig.load(null, Map.of("POD_NAME", "streams-0",
                "MODEHOP_GROUP_INSTANCE_ID", "none")).groupInstanceId(), "none turns static membership off");
    }

    @Test
    void defaultRegistryUrlIsTheConfluentProtocolTheDefaultSerdeSpeaks() {
        ServiceConfig cfg = ServiceConfig.load(null, Map.of());
        assertTrue(cfg.registryUrl().endsWith("/apis/ccompat/v7"), cfg.registryUrl());
        assertEquals(Map.of(dev.modehop.schemas.AvroSerdes.REGISTRY_URL, cfg.registryUrl()), cfg.serdeConfig());
    }

    @Test
    void serializerAndItsSettingsComeFromFileAndEnvironment() throws IOException {
        Path f = file("""
                value.serializer=io.apicurio.registry.serde.avro.AvroKafkaSerializer
                serde.apicurio.registry.url=http://registry:8080/apis/registry/v3
                """);
        ServiceConfig cfg = ServiceConfig.load(f, Map.of("MODEHOP_VALUE_DESERIALIZER",
                "io.apicurio.registry.serde.avro.AvroKafkaDeserializer"));
        Map<String, Object> serde = cfg.serdeConfig();
        assertEquals("io.apicurio.registry.serde.avro.AvroKafkaSerializer", serde.get(dev.modehop.schemas.AvroSerdes.SERIALIZER));
        assertEquals("io.apicurio.registry.serde.avro.AvroKafkaDeserializer",
                serde.get(dev.modehop.schemas.AvroSerdes.DESERIALIZER));
        assertEquals("http://registry:8080/apis/registry/v3", serde.get("apicurio.registry.url"));
    }

    @Test
    void streamsSettingsAreOrdinaryKeysFromFileOrEnvironment() throws IOException {
        assertEquals("/tmp/modehop-streams", ServiceConfig.load(null, Map.of()).streamsStateDir());
        Path f = file("""
                streams.state.dir=/data/state
                streams.application.server=streams-0:8090
                """);
        ServiceConfig fromFile = ServiceConfig.load(f, Map.of());
        assertEquals("/data/state", fromFile.streamsStateDir());
        assertEquals("streams-0:8090", fromFile.getNonBlank(ServiceConfig.STREAMS_APPLICATION_SERVER).orElseThrow());
        ServiceConfig fromEnv = ServiceConfig.load(f, Map.of("MODEHOP_STREAMS_STATE_DIR", "/var/lib/state"));
        assertEquals("/var/lib/state", fromEnv.streamsStateDir());
        assertEquals("environment variable MODEHOP_STREAMS_STATE_DIR", fromEnv.sourceOf(ServiceConfig.STREAMS_STATE_DIR));
    }

    @Test
    void everyKnownKeyRoundTripsThroughItsVariable() {
        for (String key : ServiceConfig.knownKeys()) {
            assertEquals(key, ServiceConfig.keyForVariable(ServiceConfig.envForKey(key)), key);
            assertTrue(ServiceConfig.isKnownKey(key), key);
        }
        assertTrue(ServiceConfig.isKnownKey("kafka.security.protocol"));
        assertTrue(ServiceConfig.isKnownKey("serde.apicurio.registry.url"));
        assertFalse(ServiceConfig.isKnownKey("streams.statedir"));
        assertFalse(ServiceConfig.isKnownKey("kafka."));
    }
}
