package dev.modehop.launcher;

import dev.modehop.notify.Notifier;
import dev.modehop.notify.NotifyConfig;
import dev.modehop.ops.GracefulShutdown;
import dev.modehop.ops.HealthServer;
import dev.modehop.ops.ServiceMetrics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "notify", mixinStandardHelpOptions = true, defaultValueProvider = ServiceConfigDefaults.class,
        description = "Delivers alerts from modehop.alert.raised to Slack incoming webhooks and signed JSON "
                + "webhooks, once per alert and route (routes, severity filters, cooldowns: --config, format in "
                + "notify/README.md). Runs until stopped; as a service it serves /health/live, /health/ready and "
                + "/metrics on $MODEHOP_HEALTH_PORT.")
final class NotifyCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--config", paramLabel = "FILE", descriptionKey = "notify.config", defaultValue = "${env:MODEHOP_NOTIFY_CONFIG}",
            description = "routes file, YAML (default: $MODEHOP_NOTIFY_CONFIG)")
    Path config;

    @Option(names = "--group", descriptionKey = "group.id", defaultValue = "${env:MODEHOP_GROUP_ID:-modehop-notify}",
            description = "consumer group; its committed offsets say what was handled (default: $MODEHOP_GROUP_ID or ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--from-start", description = "a group with no committed offsets starts at the oldest retained "
            + "alert instead of new ones only")
    boolean fromStart;

    @Option(names = "--health-port", descriptionKey = "health.port", defaultValue = "${env:MODEHOP_HEALTH_PORT:--1}",
            description = "health and metrics port, -1 for none (default: $MODEHOP_HEALTH_PORT or none)")
    int healthPort;

    @Override
    public Integer call() throws Exception {
        if (config == null) {
            throw new UserInputException("--config FILE is required (or $MODEHOP_NOTIFY_CONFIG)");
        }
        NotifyConfig routes;
        try {
            routes = NotifyConfig.load(config, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", connection.bootstrap);
        GracefulShutdown shutdown = GracefulShutdown.onSignal("notify");
        Notifier notifier = Notifier.create(kafka, group, connection.topics(), connection.topicPrefix, routes, fromStart);
        Thread loop = new Thread(notifier, "notifier");
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        loop.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        if (healthPort >= 0) {
            ServiceMetrics metrics = shutdown.register("metrics", new ServiceMetrics("notify"));
            HealthServer health = shutdown.register("health", HealthServer.start(healthPort, metrics));
            health.addReadinessCheck("notifier loop alive", loop::isAlive);
            health.addLivenessCheck("notifier loop alive", loop::isAlive);
        }
        shutdown.register("notifier", () -> {
            notifier.close();
            loop.join(30_000);
        });
        loop.start();
        System.out.printf("notify: %d route(s), group %s on %s%n", routes.routes().size(), group, connection.bootstrap);
        // A loop that died (the broker refused the delivery log for a minute) ends the process non-zero,
        // so a supervisor restarts it; undelivered alerts are still uncommitted.
        while (!shutdown.awaitShutdown(1, java.util.concurrent.TimeUnit.SECONDS)) {
            if (!loop.isAlive()) {
                Throwable e = failure.get();
                throw new IllegalStateException("notifier stopped: " + (e == null ? "unknown" : e.getMessage()), e);
            }
        }
        return 0;
    }
}
