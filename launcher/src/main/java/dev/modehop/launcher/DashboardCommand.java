package dev.modehop.launcher;

import dev.modehop.dashboard.DashboardServer;
import dev.modehop.dashboard.DashboardSettings;
import dev.modehop.ops.GracefulShutdown;
import dev.modehop.ops.HealthServer;
import dev.modehop.ops.ServiceMetrics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dashboard", mixinStandardHelpOptions = true, defaultValueProvider = ServiceConfigDefaults.class,
        description = "Serves the live web view and its JSON API against any Kafka + registry ('modehop up' "
                + "starts one itself). Read-only unless a control token is given. As a service it also "
                + "serves /health/live, /health/ready and /metrics on $MODEHOP_HEALTH_PORT.")
final class DashboardCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--host", descriptionKey = "dashboard.host", defaultValue = "${env:MODEHOP_DASHBOARD_HOST:-127.0.0.1}",
            description = "address to bind (default: $MODEHOP_DASHBOARD_HOST or ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", descriptionKey = "dashboard.port", defaultValue = "${env:MODEHOP_DASHBOARD_PORT:-8080}",
            description = "HTTP port (default: $MODEHOP_DASHBOARD_PORT or ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--health-port", descriptionKey = "health.port", defaultValue = "${env:MODEHOP_HEALTH_PORT:--1}",
            description = "health and metrics port, -1 for none (default: $MODEHOP_HEALTH_PORT or none)")
    int healthPort;

    @Option(names = "--control-token", descriptionKey = "control.token", defaultValue = "${env:MODEHOP_CONTROL_TOKEN}",
            description = "token that allows pause/resume/adjust from the page (default: $MODEHOP_CONTROL_TOKEN; none = read-only)")
    String token;

    @Mixin
    DashboardDoorOptions doors;

    @Option(names = "--idle-after", descriptionKey = "dashboard.idle.after", defaultValue = "${env:MODEHOP_DASHBOARD_IDLE_AFTER:-PT10M}",
            description = "a run without new records for this long shows IDLE, ISO-8601 (default: ${DEFAULT-VALUE})")
    java.time.Duration idleAfter;

    @Option(names = "--streams-url", descriptionKey = "dashboard.streams.url",
            defaultValue = "${env:MODEHOP_DASHBOARD_STREAMS_URL}",
            description = "the Streams job's interactive queries (any instance, http://host:port): a run's current "
                    + "state is asked of it (default: $MODEHOP_DASHBOARD_STREAMS_URL; none: folded from the topics)")
    String streamsUrl;

    @Override
    public Integer call() throws Exception {
        GracefulShutdown shutdown = GracefulShutdown.onSignal("dashboard");
        DashboardServer server = shutdown.register("dashboard", DashboardServer.start(doors.applyTo(
                DashboardSettings.builder(connection.bootstrap, connection.registry).topicPrefix(connection.topicPrefix)
                        .host(host).port(port).controlToken(token).idleAfter(idleAfter)
                        .streamsUrl(streamsUrl)).build()));
        if (healthPort >= 0) {
            ServiceMetrics metrics = shutdown.register("metrics", new ServiceMetrics("dashboard"));
            HealthServer health = shutdown.register("health", HealthServer.start(healthPort, metrics));
            health.addReadinessCheck("dashboard serving", () -> server.port() > 0);
        }
        shutdown.awaitShutdown();
        return 0;
    }
}
