package dev.modehop.launcher;

import dev.modehop.dashboard.DashboardServer;
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

    @Option(names = "--engine", defaultValue = "streams", paramLabel = "streams|flink|none",
            description = "engine of the detection job: streams (exactly-once), flink (a local MiniCluster, "
                    + "at-least-once here; see README), or none (only broker and registry, for a job run "
                    + "elsewhere, e.g. 'modehop streams') (default: ${DEFAULT-VALUE})")
    String engine;

    @Mixin
    MonitorOptions monitor;

    @Override
    public Integer call() throws Exception {
        EmbeddedStack.Engine chosen = switch (engine.toLowerCase(java.util.Locale.ROOT)) {
            case "streams" -> EmbeddedStack.Engine.STREAMS;
            case "flink" -> EmbeddedStack.Engine.FLINK;
            case "none" -> EmbeddedStack.Engine.NONE;
            default -> throw new UserInputException("--engine must be streams, flink or none, not '" + engine + "'");
        };
        var config = monitor.supplier();
        System.out.println("modehop: starting the embedded broker, registry"
                + (chosen == EmbeddedStack.Engine.NONE ? "" : " and detection job ("
                + chosen.name().toLowerCase(java.util.Locale.ROOT) + ")") + "...");
        EmbeddedStack stack = EmbeddedStack.start(dataDir, kafkaPort, registryPort, partitions, config, chosen);
        DashboardServer dashboard = dashboardPort < 0 ? null : DashboardServer.start(stack.kafka.bootstrapServers(),
                stack.registry.url(), "", dashboardPort, controlToken);
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
