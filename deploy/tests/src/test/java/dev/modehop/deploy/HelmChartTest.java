package dev.modehop.deploy;

import static dev.modehop.deploy.Manifests.at;
import static dev.modehop.deploy.Manifests.container;
import static dev.modehop.deploy.Manifests.env;
import static dev.modehop.deploy.Manifests.kind;
import static dev.modehop.deploy.Manifests.list;
import static dev.modehop.deploy.Manifests.map;
import static dev.modehop.deploy.Manifests.name;
import static dev.modehop.deploy.Manifests.ofKind;
import static dev.modehop.deploy.Manifests.one;
import static dev.modehop.deploy.Manifests.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import dev.modehop.ops.ServiceConfig;
import dev.modehop.ops.TopicSpec;
import dev.modehop.ops.TopicsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelmChartTest {

    private static final String IMAGE_DEFAULT = "modehop:0.1.0-SNAPSHOT";
    private static final String IMAGE_PRODUCTION = "registry.example.com/ml-platform/modehop:0.1.0";
    private static final String GPU = "nvidia.com/gpu";

    @TempDir
    Path tmp;

    private static List<Map<String, Object>> defaults() {
        return ChartRendering.render();
    }

    private static List<Map<String, Object>> production() {
        return ChartRendering.render(ChartRendering.gpuValues());
    }

    private static Map<String, Object> workload(List<Map<String, Object>> docs, String kind, String component) {
        return one(docs, kind, "modehop-" + component);
    }

    // ---- lint ----

    @Test
    void lintPassesStrictWithDefaultValues() {
        LintResult result = ChartRendering.lintDefault();
        assertFalse(result.isFailed(), () -> "helm lint --strict failed: " + result.getMessages());
    }

    @Test
    void lintPassesStrictWithGpuProductionValues() {
        LintResult result = ChartRendering.lintWith(tmp, ChartRendering.gpuValues());
        assertFalse(result.isFailed(), () -> "helm lint --strict failed: " + result.getMessages());
    }

    @Test
    void lintCatchesABrokenTemplate() throws IOException {
        // Control for the two tests above: lint must fail when the chart is really broken.
        Path copy = ChartRendering.copyOfChart(tmp, "broken");
        Path template = copy.resolve("templates/dashboard-service.yaml");
        Files.writeString(template, Files.readString(template).replace("{{- end }}", ""));
        assertTrue(ChartRendering.lint(copy).isFailed());
    }

    // ---- what is rendered ----

    @Test
    void defaultRenderHasTheCoreObjectsOnly() {
        Set<String> objects = defaults().stream().map(d -> kind(d) + "/" + name(d)).collect(Collectors.toSet());
        assertEquals(Set.of(
                "ServiceAccount/modehop",
                "ConfigMap/modehop-config",
                "StatefulSet/modehop-streams",
                "Service/modehop-streams-headless",
                "Deployment/modehop-scorer",
                "Deployment/modehop-dashboard",
                "Service/modehop-dashboard",
                "ConfigMap/modehop-topics",
                "Job/modehop-topics"), objects);
    }

    @Test
    void topicObjectsAreHooksNotReleaseObjects() {
        Set<String> plain = ChartRendering.manifestOnly().stream().map(d -> kind(d) + "/" + name(d))
                .collect(Collectors.toSet());
        assertFalse(plain.contains("Job/modehop-topics"), plain.toString());
        assertFalse(plain.contains("ConfigMap/modehop-topics"), plain.toString());
    }

    @Test
    void productionRenderAddsIngressAndAutoscalingButNoChartSecret() {
        List<Map<String, Object>> docs = production();
        Map<String, Object> ingress = one(docs, "Ingress", "modehop-dashboard");
        assertEquals("modehop.example.com", str(ingress, "spec.rules.0.host"));
        assertEquals("modehop-dashboard", str(ingress, "spec.rules.0.http.paths.0.backend.service.name"));
        Map<String, Object> scaled = one(docs, "ScaledObject", "modehop-scorer");
        assertEquals("modehop-scorer", str(scaled, "spec.triggers.0.metadata.consumerGroup"));
        assertEquals("modehop.checkpoint.ready", str(scaled, "spec.triggers.0.metadata.topic"));
        assertNull(at(workload(docs, "Deployment", "scorer"), "spec.replicas"), "KEDA owns the replica count");
        assertTrue(ofKind(docs, "Secret").isEmpty(), "existingSecret is used, the chart makes none");
        assertTrue(ofKind(docs, "FlinkDeployment").isEmpty());
    }

    @Test
    void imagesComeFromValues() {
        for (Map<String, Object> w : workloads(defaults())) {
            assertEquals(IMAGE_DEFAULT, str(container(w), "image"), name(w));
        }
        for (Map<String, Object> w : workloads(production())) {
            assertEquals(IMAGE_PRODUCTION, str(container(w), "image"), name(w));
        }
        assertEquals(List.of("scorer"), container(workload(defaults(), "Deployment", "scorer")).get("args"));
        assertEquals(List.of("dashboard"), container(workload(defaults(), "Deployment", "dashboard")).get("args"));
        assertEquals(List.of("streams"), container(workload(defaults(), "StatefulSet", "streams")).get("args"));
    }

    // ---- notify ----

    @Test
    void notifyIsOffByDefaultAndRendersOneNotifierWithItsRoutesWhenEnabled() {
        assertTrue(defaults().stream().noneMatch(d -> "modehop-notify".equals(name(d))));
        List<Map<String, Object>> docs = ChartRendering.renderWith(tmp, String.join("\n",
                "notify:",
                "  enabled: true",
                "  existingSecret: modehop-webhooks",
                "  routes: |",
                "    routes:",
                "      - name: ml-oncall",
                "        type: slack",
                "        url: ${SLACK_WEBHOOK_URL}", ""));
        Map<String, Object> deployment = workload(docs, "Deployment", "notify");
        assertEquals(1, ((Number) at(deployment, "spec.replicas")).intValue());
        assertEquals("Recreate", str(deployment, "spec.strategy.type"));
        Map<String, Object> c = container(deployment);
        assertEquals(List.of("notify"), c.get("args"));
        assertEquals("/etc/modehop/notify/notify.yaml", env(c).get("MODEHOP_NOTIFY_CONFIG"));
        assertEquals("modehop-notify", env(c).get("MODEHOP_GROUP_ID"));
        assertTrue(list(c.get("envFrom"), "envFrom").toString().contains("modehop-webhooks"), c.toString());
        Map<String, Object> routes = one(docs, "ConfigMap", "modehop-notify");
        assertTrue(stringMap(routes.get("data")).get("notify.yaml").contains("url: ${SLACK_WEBHOOK_URL}"));
    }

    // ---- GPU ----

    @Test
    void gpuRequestsTolerationsAndNodeSelectorOnlyWithGpuValues() {
        Map<String, Object> cpuScorer = workload(defaults(), "Deployment", "scorer");
        assertNull(stringMap(at(container(cpuScorer), "resources.limits")).get(GPU));
        assertNull(stringMap(at(container(cpuScorer), "resources.requests")).get(GPU));
        assertNull(at(cpuScorer, "spec.template.spec.tolerations"));
        assertNull(at(cpuScorer, "spec.template.spec.nodeSelector"));
        assertEquals("cpu", env(container(cpuScorer)).get("MODEHOP_DEVICE"));

        Map<String, Object> gpuScorer = workload(production(), "Deployment", "scorer");
        assertEquals("1", stringMap(at(container(gpuScorer), "resources.limits")).get(GPU));
        assertEquals("1", stringMap(at(container(gpuScorer), "resources.requests")).get(GPU));
        assertEquals("24Gi", str(container(gpuScorer), "resources.requests.memory"));
        assertEquals(GPU, str(gpuScorer, "spec.template.spec.tolerations.0.key"));
        assertEquals("NoSchedule", str(gpuScorer, "spec.template.spec.tolerations.0.effect"));
        assertEquals("true", stringMap(at(gpuScorer, "spec.template.spec.nodeSelector")).get("nvidia.com/gpu.present"));
        assertEquals("gpu", env(container(gpuScorer)).get("MODEHOP_DEVICE"));
        assertEquals(0, at(gpuScorer, "spec.strategy.rollingUpdate.maxSurge"), "no surge pod waiting for a GPU");

        for (List<Map<String, Object>> docs : List.of(defaults(), production())) {
            for (Map<String, Object> w : workloads(docs)) {
                if (!name(w).equals("modehop-scorer")) {
                    assertFalse(String.valueOf(at(container(w), "resources")).contains(GPU), name(w) + " must not ask for a GPU");
                    assertNull(at(w, "spec.template.spec.tolerations"), name(w));
                }
            }
        }
    }

    // ---- probes and ports ----

    @Test
    void probesHitTheHealthEndpointsOnTheHealthPort() {
        for (List<Map<String, Object>> docs : List.of(defaults(), production())) {
            for (Map<String, Object> w : services(docs)) {
                Map<String, Object> c = container(w);
                assertEquals("/health/live", str(c, "livenessProbe.httpGet.path"), name(w));
                assertEquals("health", str(c, "livenessProbe.httpGet.port"), name(w));
                assertEquals("/health/ready", str(c, "readinessProbe.httpGet.path"), name(w));
                assertEquals("health", str(c, "readinessProbe.httpGet.port"), name(w));
                assertEquals("/health/live", str(c, "startupProbe.httpGet.path"), name(w));
                Map<String, Object> healthPort = list(c.get("ports"), "ports").stream().map(p -> map(p, "port"))
                        .filter(p -> "health".equals(p.get("name"))).findFirst().orElseThrow();
                assertEquals(8081, healthPort.get("containerPort"), name(w));
                Map<String, Object> annotations = map(at(w, "spec.template.metadata.annotations"), "annotations");
                assertEquals("8081", annotations.get("prometheus.io/port"), name(w));
                assertEquals("/metrics", annotations.get("prometheus.io/path"), name(w));
            }
        }
        Map<String, Object> dashboard = container(workload(defaults(), "Deployment", "dashboard"));
        assertEquals("8080", env(dashboard).get("MODEHOP_DASHBOARD_PORT"));
        Map<String, Object> svc = one(defaults(), "Service", "modehop-dashboard");
        assertEquals("http", str(svc, "spec.ports.0.targetPort"));
        assertEquals(80, at(svc, "spec.ports.0.port"));
    }

    // ---- configuration ----

    @Test
    void servicesTakeSettingsFromConfigMapAndSecret() {
        for (Map<String, Object> w : services(defaults())) {
            List<Object> envFrom = list(container(w).get("envFrom"), "envFrom");
            assertEquals(1, envFrom.size(), name(w) + ": no Secret without secret settings");
            assertEquals("modehop-config", str(envFrom.get(0), "configMapRef.name"), name(w));
        }
        for (Map<String, Object> w : services(production())) {
            List<Object> envFrom = list(container(w).get("envFrom"), "envFrom");
            assertEquals("modehop-config", str(envFrom.get(0), "configMapRef.name"), name(w));
            assertEquals("modehop-kafka-credentials", str(envFrom.get(1), "secretRef.name"), name(w));
        }
        Map<String, Object> topicsJob = one(production(), "Job", "modehop-topics");
        assertEquals("modehop-kafka-credentials", str(container(topicsJob), "envFrom.0.secretRef.name"));
    }

    @Test
    void configMapIsReadableByServiceConfig() {
        Map<String, String> data = stringMap(at(one(production(), "ConfigMap", "modehop-config"), "data"));
        assertTrue(data.keySet().stream().allMatch(k -> k.startsWith("MODEHOP_")), data.keySet().toString());
        Map<String, String> podEnv = new HashMap<>(data);
        podEnv.putAll(nonNullEnv(container(workload(production(), "Deployment", "scorer"))));
        ServiceConfig cfg = ServiceConfig.load(null, podEnv);
        assertEquals("kafka-0.kafka.svc:9093,kafka-1.kafka.svc:9093,kafka-2.kafka.svc:9093", cfg.bootstrapServers());
        assertEquals("http://apicurio-registry.schema-registry.svc:8080/apis/ccompat/v7", cfg.registryUrl());
        assertEquals("modehop-scorer", cfg.groupId());
        assertEquals("gpu", cfg.device());
        assertEquals(8081, cfg.healthPort());
        assertEquals("scorer", cfg.serviceName());
        assertEquals("SASL_SSL", cfg.toKafkaProperties().getProperty("security.protocol"));
        assertEquals("SCRAM-SHA-512", cfg.toKafkaProperties().getProperty("sasl.mechanism"));
    }

    @Test
    void secretSettingsGoToAChartSecretAndTheHookSecret() {
        List<Map<String, Object>> docs = ChartRendering.renderWith(tmp, """
                kafka:
                  config:
                    security.protocol: SASL_SSL
                  secretConfig:
                    sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
                """);
        Map<String, Object> secret = one(docs, "Secret", "modehop-secrets");
        String jaas = new String(Base64.getDecoder().decode(str(secret, "data.MODEHOP_KAFKA_SASL_JAAS_CONFIG")),
                StandardCharsets.UTF_8);
        assertTrue(jaas.contains("PlainLoginModule") && jaas.contains("password=\"p\""), jaas);
        for (Map<String, Object> w : services(docs)) {
            assertEquals("modehop-secrets", str(container(w), "envFrom.1.secretRef.name"), name(w));
        }
        Map<String, Object> hookSecret = one(docs, "Secret", "modehop-topics");
        assertEquals("pre-install,pre-upgrade", annotations(hookSecret).get("helm.sh/hook"));
        assertEquals("modehop-topics", str(container(one(docs, "Job", "modehop-topics")), "envFrom.0.secretRef.name"));
        assertFalse(String.valueOf(one(docs, "ConfigMap", "modehop-config")).contains("PlainLoginModule"),
                "credentials never land in the ConfigMap");
    }

    // ---- Kafka Streams StatefulSet ----

    @Test
    void streamsStatefulSetKeepsStateOnClaimsAndAdvertisesItsPodName() {
        Map<String, Object> sts = workload(defaults(), "StatefulSet", "streams");
        assertEquals("modehop-streams-headless", str(sts, "spec.serviceName"));
        assertEquals(2, at(sts, "spec.replicas"));
        assertEquals("state", str(sts, "spec.volumeClaimTemplates.0.metadata.name"));
        assertEquals("10Gi", str(sts, "spec.volumeClaimTemplates.0.spec.resources.requests.storage"));
        assertEquals(List.of("ReadWriteOnce"), at(sts, "spec.volumeClaimTemplates.0.spec.accessModes"));
        assertNull(at(sts, "spec.volumeClaimTemplates.0.spec.storageClassName"));

        Map<String, Object> c = container(sts);
        Map<String, String> env = env(c);
        assertEquals("state", str(c, "volumeMounts.0.name"));
        assertEquals(env.get("MODEHOP_STREAMS_STATE_DIR"), str(c, "volumeMounts.0.mountPath"));
        assertEquals("$(POD_NAME).modehop-streams-headless.$(POD_NAMESPACE).svc.cluster.local:8090",
                env.get("MODEHOP_STREAMS_APPLICATION_SERVER"));
        List<String> names = List.copyOf(env.keySet());
        assertTrue(names.indexOf("POD_NAME") < names.indexOf("MODEHOP_STREAMS_APPLICATION_SERVER")
                        && names.indexOf("POD_NAMESPACE") < names.indexOf("MODEHOP_STREAMS_APPLICATION_SERVER"),
                "Kubernetes expands $(VAR) only from variables defined earlier");
        assertEquals("metadata.name", str(c, "env.0.valueFrom.fieldRef.fieldPath"));
        assertEquals("modehop-streams", env.get("MODEHOP_GROUP_ID"));

        Map<String, Object> headless = one(defaults(), "Service", "modehop-streams-headless");
        assertEquals("None", str(headless, "spec.clusterIP"));
        assertEquals(true, at(headless, "spec.publishNotReadyAddresses"));
        assertEquals(8090, at(headless, "spec.ports.0.port"));
        assertEquals(at(sts, "spec.selector.matchLabels"), at(headless, "spec.selector"));

        Map<String, Object> prod = workload(production(), "StatefulSet", "streams");
        assertEquals("fast-ssd", str(prod, "spec.volumeClaimTemplates.0.spec.storageClassName"));
        assertEquals("50Gi", str(prod, "spec.volumeClaimTemplates.0.spec.resources.requests.storage"));
        assertEquals(3, at(prod, "spec.replicas"));
    }

    // ---- topic hook ----

    @Test
    void topicJobIsAPreInstallAndPreUpgradeHook() throws IOException {
        List<Map<String, Object>> docs = defaults();
        Map<String, Object> job = one(docs, "Job", "modehop-topics");
        Map<String, String> annotations = annotations(job);
        assertEquals("pre-install,pre-upgrade", annotations.get("helm.sh/hook"));
        assertTrue(annotations.get("helm.sh/hook-delete-policy").contains("before-hook-creation"));
        Map<String, Object> cm = one(docs, "ConfigMap", "modehop-topics");
        assertEquals("pre-install,pre-upgrade", annotations(cm).get("helm.sh/hook"));
        assertTrue(Integer.parseInt(annotations(cm).get("helm.sh/hook-weight"))
                < Integer.parseInt(annotations.get("helm.sh/hook-weight")), "the topics file exists before the Job");

        Map<String, Object> c = container(job);
        assertEquals(List.of("topics", "create", "--file", "/etc/modehop/topics/topics.yaml"), c.get("args"));
        assertEquals("/etc/modehop/topics", str(c, "volumeMounts.0.mountPath"));
        assertEquals("modehop-topics", str(job, "spec.template.spec.volumes.0.configMap.name"));
        assertEquals("Never", str(job, "spec.template.spec.restartPolicy"));
        assertNull(c.get("envFrom"), "the release ConfigMap does not exist yet at pre-install");
        Map<String, String> env = env(c);
        assertEquals("kafka:9092", env.get("MODEHOP_BOOTSTRAP_SERVERS"));
        assertEquals("kafka:9092", ServiceConfig.load(null, nonNullEnv(c)).bootstrapServers());

        String shipped = Files.readString(Manifests.repoRoot().resolve("deploy/topics.yaml"));
        assertEquals(shipped.strip(), stringMap(cm.get("data")).get("topics.yaml").strip());
    }

    @Test
    void chartTopicsFileIsTheDeployOneAndParses() throws IOException {
        Path deployFile = Manifests.repoRoot().resolve("deploy/topics.yaml");
        Path chartFile = ChartRendering.chart().resolve("files/topics.yaml");
        assertEquals(Files.readString(deployFile), Files.readString(chartFile),
                "helm/modehop/files/topics.yaml must be a copy of deploy/topics.yaml");
        List<String> names = TopicsFile.load(deployFile).stream().map(TopicSpec::name).toList();
        // Every topic of the typed registry (and its .dlq twin) is provisioned, so a topic added to Topics
        // without a line here fails this test instead of failing a cluster that does not auto-create topics.
        List<String> registry = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, "http://registry.invalid"))
                .allNamesWithDlq();
        for (String topic : registry) {
            assertTrue(names.contains(topic), topic);
        }
        assertTrue(names.contains("modehop.notify.delivered"), "the notifier's delivery log");
        assertEquals(registry.size() + 1, names.size(), names.toString());
    }

    @Test
    void replicationOverrideReachesTheHookJob() {
        List<Map<String, Object>> docs = ChartRendering.renderWith(tmp, "topics:\n  replicationFactor: 1\n");
        assertEquals("1", env(container(one(docs, "Job", "modehop-topics"))).get("MODEHOP_TOPICS_REPLICATION_FACTOR"));
        List<Map<String, Object>> off = ChartRendering.renderWith(tmp, "topics:\n  create: false\n");
        assertTrue(ofKind(off, "Job").isEmpty());
    }

    // ---- Flink ----

    @Test
    void flinkDeploymentOnlyWhenEnabled() {
        assertTrue(ofKind(defaults(), "FlinkDeployment").isEmpty());
        List<Map<String, Object>> docs = ChartRendering.renderWith(tmp, """
                flink:
                  enabled: true
                  upgradeMode: last-state
                streams:
                  enabled: false
                """);
        Map<String, Object> flink = one(docs, "FlinkDeployment", "modehop-flink");
        assertEquals("flink.apache.org/v1beta1", str(flink, "apiVersion"));
        assertEquals("local:///opt/flink/usrlib/modehop-flink.jar", str(flink, "spec.job.jarURI"));
        assertEquals("last-state", str(flink, "spec.job.upgradeMode"));
        assertEquals("running", str(flink, "spec.job.state"));
        assertEquals(2, at(flink, "spec.job.parallelism"));
        assertEquals("2", stringMap(at(flink, "spec.flinkConfiguration")).get("taskmanager.numberOfTaskSlots"));
        assertEquals("flink-main-container", str(flink, "spec.podTemplate.spec.containers.0.name"));
        assertEquals("modehop-config", str(flink, "spec.podTemplate.spec.containers.0.envFrom.0.configMapRef.name"));
        assertTrue(ofKind(docs, "StatefulSet").isEmpty(), "streams disabled");
        assertNull(env(container(workload(docs, "Deployment", "dashboard"))).get("MODEHOP_DASHBOARD_STREAMS_URL"));
    }

    @Test
    void flinkJobGetsKafkaAndTheRegistryFromTheServicesValuesAndTheClustersCheckpointInterval() {
        List<Map<String, Object>> docs = ChartRendering.renderWith(tmp, """
                kafka:
                  topicPrefix: staging.
                flink:
                  enabled: true
                  args: [--stability-checkpoints, 3]
                """, ChartRendering.gpuValues());
        Map<String, Object> flink = one(docs, "FlinkDeployment", "modehop-flink");
        Map<String, String> commonEnv = stringMap(at(one(docs, "ConfigMap", "modehop-config"), "data"));
        List<Object> args = list(at(flink, "spec.job.args"), "job args");
        assertEquals(List.of("--bootstrap", commonEnv.get("MODEHOP_BOOTSTRAP_SERVERS"),
                "--registry", commonEnv.get("MODEHOP_REGISTRY_URL"), "--topic-prefix", "staging.",
                "--stability-checkpoints", "3"), args);
        assertTrue(commonEnv.get("MODEHOP_REGISTRY_URL").endsWith("/apis/ccompat/v7"));
        assertFalse(args.contains("--checkpoint-interval-ms"), "the job takes flinkConfiguration's interval");
        assertFalse(args.contains("--prefix"), "one spelling: --topic-prefix");
        assertEquals("30s", stringMap(at(flink, "spec.flinkConfiguration")).get("execution.checkpointing.interval"));
    }

    // ---- helpers ----

    /** Long-running modehop services: the ones with health probes. */
    private static List<Map<String, Object>> services(List<Map<String, Object>> docs) {
        return docs.stream().filter(d -> Set.of("Deployment", "StatefulSet").contains(kind(d))).toList();
    }

    private static List<Map<String, Object>> workloads(List<Map<String, Object>> docs) {
        return docs.stream().filter(d -> Set.of("Deployment", "StatefulSet", "Job").contains(kind(d))).toList();
    }

    private static Map<String, String> annotations(Map<String, Object> doc) {
        return stringMap(at(doc, "metadata.annotations"));
    }

    private static Map<String, String> stringMap(Object o) {
        Map<String, String> out = new HashMap<>();
        map(o, "map").forEach((k, v) -> out.put(k, v == null ? null : v.toString()));
        return out;
    }

    private static Map<String, String> nonNullEnv(Map<String, Object> container) {
        Map<String, String> out = new HashMap<>();
        env(container).forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Test
    void everyRenderedObjectCarriesTheReleaseLabels() {
        for (Map<String, Object> doc : production()) {
            Map<String, Object> labels = map(at(doc, "metadata.labels"), name(doc) + " labels");
            assertEquals("modehop", labels.get("app.kubernetes.io/instance"), name(doc));
            assertNotNull(labels.get("helm.sh/chart"), name(doc));
        }
    }
}
