package dev.modehop.launcher;

import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where Kafka and the schema registry are: options shared by every command that talks to them. */
public final class Connection {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $MODEHOP_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}, where 'modehop up' listens)",
            defaultValue = "${env:MODEHOP_BOOTSTRAP_SERVERS:-127.0.0.1:9092}")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL",
            description = "schema registry URL, Confluent protocol (default: $MODEHOP_REGISTRY_URL or ${DEFAULT-VALUE})",
            defaultValue = "${env:MODEHOP_REGISTRY_URL:-http://127.0.0.1:8081}")
    String registry;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "prefix of every topic name (default: none)",
            defaultValue = "${env:MODEHOP_TOPIC_PREFIX:-}")
    String topicPrefix;

    public Topics topics() {
        return Topics.create(topicPrefix, Map.of(AvroSerdes.REGISTRY_URL, registry));
    }
}
