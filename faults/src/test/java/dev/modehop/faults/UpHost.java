package dev.modehop.faults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a fault test's {@code modehop up} host listens (broker and registry on free loopback ports, no dashboard)
 * and the command line that starts it.
 */
record UpHost(int kafkaPort, int registryPort) {

    static UpHost onFreePorts() {
        return new UpHost(Launched.freePort(), Launched.freePort());
    }

    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    String registry() {
        return "http://127.0.0.1:" + registryPort;
    }

    /** {@code modehop up} keeping its broker log and schemas in {@code dataDir}, then {@code more} arguments. */
    String[] up(Path dataDir, int partitions, String... more) {
        List<String> args = new ArrayList<>(List.of("up", "--data-dir", dataDir.toString(),
                "--kafka-port", Integer.toString(kafkaPort), "--registry-port", Integer.toString(registryPort),
                "--dashboard-port", "-1", "--partitions", Integer.toString(partitions)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
