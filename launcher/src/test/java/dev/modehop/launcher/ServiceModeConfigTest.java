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

    @Test
    void dashboardAndNotifyTakeTheirSettingsFromTheFileLikeEveryService() throws IOException {
        Path file = Files.writeString(dir.resolve("service.properties"), """
                bootstrap.servers=broker-1:9092
                registry.url=http://registry:8080/apis/ccompat/v7
                dashboard.port=8123
                dashboard.host=0.0.0.0
                notify.config=/etc/modehop/notify.yaml
                """);
        ServiceConfig cfg = ServiceConfig.load(file, Map.of("MODEHOP_DASHBOARD_PORT", "8124"));
        DashboardCommand dashboard = new DashboardCommand();
        new CommandLine(dashboard).setDefaultValueProvider(new ServiceConfigDefaults(cfg)).parseArgs();
        assertEquals("broker-1:9092", dashboard.connection.bootstrap);
        assertEquals("http://registry:8080/apis/ccompat/v7", dashboard.connection.registry);
        assertEquals("0.0.0.0", dashboard.host);
        assertEquals(8124, dashboard.port, "the environment beats the file");

        NotifyCommand notify = new NotifyCommand();
        new CommandLine(notify).setDefaultValueProvider(new ServiceConfigDefaults(cfg)).parseArgs("--group", "g");
        assertEquals(Path.of("/etc/modehop/notify.yaml"), notify.config);
        assertEquals("g", notify.group, "the command line beats both");

        DashboardCommand unset = new DashboardCommand();
        new CommandLine(unset).setDefaultValueProvider(new ServiceConfigDefaults(ServiceConfig.load(null, Map.of())))
                .parseArgs();
        assertEquals(-1, unset.healthPort, "unset keys leave the option's own default");
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
