package dev.modehop.launcher;

import dev.modehop.dashboard.DashboardServer;
import dev.modehop.dashboard.DashboardSettings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Starts the embedded default: an in-process Kafka broker (KRaft), a schema registry, the "
                + "detection job (Kafka Streams, or Flink with --engine flink) and the dashboard. Prints their "
                + "addresses and runs until Ctrl-C.",
                "Then publish events with 'modehop publish' / 'modehop replay', or from a training job."})
final class UpCommand implements Callable<Integer> {
    @Option(names = "--kafka-port", defaultValue = "9092", description = "broker port (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "registry port (default: ${DEFAULT-VALUE})")
    int registryPort;

    @Option(names = "--partitions", defaultValue = "2", description = "partitions per topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "keep broker log and job state here across restarts (default: a temporary folder)")
    Path dataDir;

    @Option(names = "--dashboard-port", defaultValue = "8080",
            description = "dashboard port, -1 for no dashboard (default: ${DEFAULT-VALUE})")
    int dashboardPort;

    @Option(names = "--control-token", defaultValue = "${env:MODEHOP_CONTROL_TOKEN}",
            description = "lets the dashboard send control commands (default: $MODEHOP_CONTROL_TOKEN; none = read-only)")
    String controlToken;

    @Mixin
    DashboardDoorOptions doors;

    @Option(names = "--engine", defaultValue = "streams", paramLabel = "streams|flink|none",
            description = "engine of the detection job: streams (exactly-once), flink (a local MiniCluster, "
                    + "at-least-once here; see README), or none (only broker and registry, for a job run "
                    + "elsewhere, e.g. 'modehop streams') (default: ${DEFAULT-VALUE})")
    String engine;

    @Mixin
    MonitorOptions monitor;

    /**
     * Everything that can be wrong with the arguments, checked before the broker starts (which takes
     * seconds and writes a folder): ranges, distinct ports, ports free on 127.0.0.1, a usable data folder.
     */
    void validate() {
        if (partitions < 1 || partitions > 1000) {
            throw new UserInputException("--partitions must be between 1 and 1000, got " + partitions);
        }
        java.util.Map<Integer, String> ports = new java.util.LinkedHashMap<>();
        checkPort(ports, "--kafka-port", kafkaPort, false);
        checkPort(ports, "--registry-port", registryPort, false);
        checkPort(ports, "--dashboard-port", dashboardPort, true);
        if (dataDir != null) {
            if (java.nio.file.Files.exists(dataDir) && !java.nio.file.Files.isDirectory(dataDir)) {
                throw new UserInputException("--data-dir " + dataDir + " is a file, not a folder");
            }
            Path existing = dataDir.toAbsolutePath();
            while (existing != null && !java.nio.file.Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !java.nio.file.Files.isWritable(existing)) {
                throw new UserInputException("--data-dir " + dataDir + ": cannot write to " + existing);
            }
        }
    }

    private static void checkPort(java.util.Map<Integer, String> taken, String option, int port, boolean offAllowed) {
        if (offAllowed && port == -1) {
            return;
        }
        if (port < 0 || port > 65535) {
            throw new UserInputException(option + " must be a port between 0 and 65535" + (offAllowed ? " (or -1)" : "")
                    + ", got " + port);
        }
        if (port == 0) {
            return; // any free port, chosen when it binds
        }
        String other = taken.putIfAbsent(port, option);
        if (other != null) {
            throw new UserInputException(option + " and " + other + " are both " + port);
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // as the broker and servers bind: a port held only by TIME_WAIT sockets after a kill is free
            probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        } catch (java.io.IOException e) {
            throw new UserInputException("port " + port + " (" + option + ") is in use on 127.0.0.1 (" + e.getMessage()
                    + "); choose another with " + option + " or stop what holds it (another 'modehop up'?)");
        }
    }

    @Override
    public Integer call() throws Exception {
        EmbeddedStack.Engine chosen = switch (engine.toLowerCase(java.util.Locale.ROOT)) {
            case "streams" -> EmbeddedStack.Engine.STREAMS;
            case "flink" -> EmbeddedStack.Engine.FLINK;
            case "none" -> EmbeddedStack.Engine.NONE;
            default -> throw new UserInputException("--engine must be streams, flink or none, not '" + engine + "'");
        };
        var config = monitor.supplier();
        validate();
        System.out.println("modehop: starting the embedded broker, registry"
                + (chosen == EmbeddedStack.Engine.NONE ? "" : " and detection job ("
                + chosen.name().toLowerCase(java.util.Locale.ROOT) + ")") + "...");
        EmbeddedStack stack = EmbeddedStack.start(dataDir, kafkaPort, registryPort, partitions, config, chosen);
        DashboardServer dashboard;
        try {
            dashboard = dashboardPort < 0 ? null : DashboardServer.start(doors.applyTo(DashboardSettings
                    .builder(stack.kafka.bootstrapServers(), stack.registry.url()).host("127.0.0.1").port(dashboardPort)
                    .controlToken(controlToken)).build());
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("modehop: shutting down...");
            if (dashboard != null) {
                dashboard.close();
            }
            stack.close();
            stopped.countDown();
        }, "modehop-shutdown"));
        System.out.println("kafka:    " + stack.kafka.bootstrapServers());
        System.out.println("registry: " + stack.registry.url());
        System.out.println("topics:   " + String.join(", ", stack.topics.allNamesWithDlq()));
        System.out.println("modehop is up; Ctrl-C to stop.");
        stopped.await();
        return 0;
    }
}
