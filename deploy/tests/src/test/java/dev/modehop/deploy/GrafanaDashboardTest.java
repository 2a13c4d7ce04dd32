package dev.modehop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.ops.ServiceMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The provisioned Grafana dashboard queries metrics that the ops module really exports, under those names. That
 * the running services record them is launcher's {@code GrafanaPanelsScrapeTest}.
 */
class GrafanaDashboardTest {

    private static final Pattern MODEHOP_METRIC = Pattern.compile("\\bmodehop_[a-z_]+");
    private final Path grafana = Manifests.repoRoot().resolve("deploy/grafana");

    private List<String> expressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(grafana.resolve("dashboards/modehop.json")));
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                exprs.add(target.get("expr").asText());
                assertEquals("modehop-prometheus", target.get("datasource").get("uid").asText());
            }
        }
        return exprs;
    }

    @Test
    void everyModehopMetricInTheDashboardIsExported() throws IOException {
        String scrape;
        try (ServiceMetrics metrics = new ServiceMetrics("test")) {
            metrics.eventsIn("t").increment();
            metrics.eventsOut("t").increment();
            metrics.dlqRecords("t").increment();
            metrics.hopsDetected("UP").increment();
            metrics.scoringItems().increment();
            metrics.checkpointLatency("scored").record(Duration.ofSeconds(1));
            metrics.scoringDuration().record(Duration.ofSeconds(2));
            io.micrometer.core.instrument.Gauge.builder(ServiceMetrics.CONSUMER_GROUP_LAG, () -> 3)
                    .tag("group", "g").tag("topic", "t").register(metrics.registry());
            scrape = metrics.scrape();
        }
        Set<String> used = new TreeSet<>();
        for (String expr : expressions()) {
            Matcher m = MODEHOP_METRIC.matcher(expr);
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertEquals(Set.of("modehop_events_in_total", "modehop_events_out_total", "modehop_dlq_records_total",
                "modehop_hops_detected_total", "modehop_scoring_items_total", "modehop_checkpoint_latency_seconds_bucket",
                "modehop_scoring_duration_seconds_bucket", "modehop_consumer_group_lag"), used);
        for (String metric : used) {
            assertTrue(scrape.contains("\n" + metric + "{"), metric + " is not in the /metrics output");
        }
        assertTrue(scrape.contains("\njvm_memory_used_bytes{"));
    }

    @Test
    void consumerLagPanelExists() throws IOException {
        assertTrue(expressions().stream().anyMatch(e -> e.contains("kafka_consumer_fetch_manager_records_lag_max")));
    }

    @Test
    void provisioningPointsAtTheDashboardFolderAndPrometheus() throws IOException {
        Map<String, Object> ds = Manifests.parse(Files.readString(grafana.resolve("provisioning/datasources/prometheus.yml")));
        assertEquals("modehop-prometheus", Manifests.str(ds, "datasources.0.uid"));
        assertEquals("http://prometheus:9090", Manifests.str(ds, "datasources.0.url"));
        Map<String, Object> dashboards = Manifests.parse(Files.readString(grafana.resolve("provisioning/dashboards/modehop.yml")));
        assertEquals("/var/lib/grafana/dashboards", Manifests.str(dashboards, "providers.0.options.path"));
    }
}
