package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.modehop.core.MonitorConfig;
import dev.modehop.ops.ServiceConfig;
import dev.modehop.schemas.Topics;
import dev.modehop.schemas.registry.RegistryAvroDeserializer;
import dev.modehop.schemas.registry.RegistryAvroSerializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the service commands read from ServiceConfig: monitor settings and the serde. */
class ServiceModeConfigTest {

    @TempDir
    Path dir;

    /** A serializer a configuration can name; records nothing, only its class matters here. */
    public static final class NamedSerializer implements Serializer<SpecificRecord> {
        @Override
        public byte[] serialize(String topic, SpecificRecord data) {
            return new byte[0];
        }
    }

    @Test
    void monitorDefaultsAreCoreOnesInTheCliAndTheServiceMode() {
        MonitorOptions cli = new MonitorOptions();
        new CommandLine(new Holder(cli)).parseArgs();
        MonitorConfig fromCli = cli.config();
        MonitorConfig fromService = ServiceCommands.monitorOptions(ServiceConfig.load(null, Map.of()), null).config();
        MonitorConfig core = MonitorConfig.defaults();
        for (MonitorConfig c : new MonitorConfig[] {fromCli, fromService}) {
            assertEquals(core.stabilityCheckpoints(), c.stabilityCheckpoints());
            assertEquals(core.missingScoreTimeoutMs(), c.missingScoreTimeoutMs());
        }
    }

    @Test
    void serviceModeReadsMonitorSettingsFromTheFileAndTheEnvironment() throws IOException {
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "");
        Path file = Files.writeString(dir.resolve("modehop.properties"),
                "stability.checkpoints=4\nrules.file=" + rules + "\n");
        ServiceConfig cfg = ServiceConfig.load(file, Map.of("MODEHOP_MISSING_TIMEOUT_SECONDS", "90"));
        MonitorOptions options = ServiceCommands.monitorOptions(cfg, null);
        assertEquals(rules, options.rules);
        MonitorConfig config = options.config();
        assertEquals(4, config.stabilityCheckpoints());
        assertEquals(90_000, config.missingScoreTimeoutMs());
    }

    @Test
    void theSerializerIsChosenByConfiguration() {
        Topics byDefault = ServiceCommands.topics(ServiceConfig.load(null, Map.of()));
        assertInstanceOf(RegistryAvroSerializer.class, byDefault.probeScored.valueSerde().serializer());
        Topics named = ServiceCommands.topics(ServiceConfig.load(null,
                Map.of("MODEHOP_VALUE_SERIALIZER", NamedSerializer.class.getName())));
        assertInstanceOf(NamedSerializer.class, named.probeScored.valueSerde().serializer());
        assertInstanceOf(RegistryAvroDeserializer.class, named.probeScored.valueSerde().deserializer());
    }

    @CommandLine.Command(name = "holder")
    static final class Holder {
        @CommandLine.Mixin
        MonitorOptions options;

        Holder(MonitorOptions options) {
            this.options = options;
        }
    }
}
