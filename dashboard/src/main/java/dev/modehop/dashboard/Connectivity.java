package dev.modehop.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether the dashboard can reach Kafka and the schema registry right now, checked every few seconds, so the
 * page can say "cannot reach Kafka" instead of showing an empty list that looks live. A consumer's poll never
 * fails when the broker is gone (it just returns nothing), hence the separate probe.
 */
final class Connectivity implements AutoCloseable {
    /** One dependency's state: reachable, since when (epoch millis), and the last error when not. */
    record Reach(boolean reachable, long since, long checkedAt, String error) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Admin admin;
    private final String registryUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dashboard-connectivity");
        t.setDaemon(true);
        return t;
    });
    private volatile Reach kafka = new Reach(false, 0, 0, "not checked yet");
    private volatile Reach registry = new Reach(false, 0, 0, "not checked yet");

    Connectivity(Properties kafkaClientConfig, String registryUrl, Duration every) {
        Properties p = new Properties();
        p.putAll(kafkaClientConfig);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        // an unreachable broker must not fill the log with reconnect attempts every 50 ms
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, p.getProperty(AdminClientConfig.CLIENT_ID_CONFIG, "dashboard")
                + "-connectivity");
        for (String consumerOnly : new String[] {"group.id", "auto.offset.reset", "enable.auto.commit",
                "isolation.level", "allow.auto.create.topics"}) {
            p.remove(consumerOnly);
        }
        this.admin = Admin.create(p);
        this.registryUrl = registryUrl;
        probe.scheduleWithFixedDelay(this::check, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    Reach kafka() {
        return kafka;
    }

    Reach registry() {
        return registry;
    }

    void putJson(ObjectNode target) {
        put(target.putObject("kafka"), kafka);
        put(target.putObject("registry"), registry);
    }

    private static void put(ObjectNode o, Reach r) {
        o.put("reachable", r.reachable());
        o.put("since", r.since());
        o.put("checkedAt", r.checkedAt());
        if (r.error() != null) {
            o.put("error", r.error());
        } else {
            o.putNull("error");
        }
    }

    private void check() {
        long now = System.currentTimeMillis();
        String kafkaError;
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis())).nodes()
                    .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            kafkaError = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            kafkaError = "cannot reach Kafka: " + rootMessage(e);
        }
        kafka = next(kafka, kafkaError, now);
        registry = next(registry, registryError(), now);
    }

    private String registryError() {
        if (registryUrl == null || registryUrl.isBlank()) {
            return "no registry URL configured";
        }
        try {
            // any HTTP answer means the registry is up; only a failed connection or a 5xx means it is not
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(registryUrl)).timeout(TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() >= 500 ? "the schema registry answers " + r.statusCode() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return "cannot reach the schema registry at " + registryUrl + ": " + rootMessage(e);
        }
    }

    private static Reach next(Reach previous, String error, long now) {
        boolean reachable = error == null;
        long since = previous.checkedAt() == 0 || previous.reachable() != reachable ? now : previous.since();
        return new Reach(reachable, since, now, error);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public void close() {
        probe.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
