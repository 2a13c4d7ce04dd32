package dev.modehop.embedded;

import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The embedded registry (and, when asked, the embedded broker) for one test class, started before its
 * first test and closed after its last. Shipped in this module's test-jar so test classes of other modules
 * declare it instead of repeating the start/stop block:
 * {@code @RegisterExtension static final EmbeddedServers servers = EmbeddedServers.registry();}
 */
public final class EmbeddedServers implements BeforeAllCallback, AfterAllCallback {
    private final boolean withBroker;
    private EmbeddedKafka kafka;
    private EmbeddedSchemaRegistry registry;

    private EmbeddedServers(boolean withBroker) {
        this.withBroker = withBroker;
    }

    /** Only the schema registry (for serde work without a broker, e.g. TopologyTestDriver). */
    public static EmbeddedServers registry() {
        return new EmbeddedServers(false);
    }

    /** A KRaft broker and the schema registry. */
    public static EmbeddedServers brokerAndRegistry() {
        return new EmbeddedServers(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (withBroker) {
            kafka = EmbeddedKafka.start();
        }
        registry = EmbeddedSchemaRegistry.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    public EmbeddedSchemaRegistry schemaRegistry() {
        return registry;
    }

    public EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("started without a broker: use EmbeddedServers.brokerAndRegistry()");
        }
        return kafka;
    }

    /** The serde configuration pointing at this registry. */
    public Map<String, String> serdeConfig() {
        return Map.of(AvroSerdes.REGISTRY_URL, registry.url());
    }

    /** The topic registry with the given prefix ("" for the default names), serdes against this registry. */
    public Topics topics(String prefix) {
        return Topics.create(prefix, serdeConfig());
    }
}
