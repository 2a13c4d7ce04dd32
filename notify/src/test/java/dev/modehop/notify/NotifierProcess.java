package dev.modehop.notify;

import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;

/** The notifier in a JVM of its own, so a test can kill it with SIGKILL: args bootstrap, registry, config file. */
public final class NotifierProcess {
    private NotifierProcess() {
    }

    public static void main(String[] args) {
        NotifyConfig config = NotifyConfig.load(Path.of(args[2]), System.getenv());
        Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, args[1]));
        Notifier n = Notifier.create(Map.of("bootstrap.servers", args[0],
                // the broker's minimum: a killed notifier's partitions move to its successor sooner
                "session.timeout.ms", 6000), "notify-test", topics, "", config, true);
        System.out.println("notifier started");
        n.run();
    }
}
