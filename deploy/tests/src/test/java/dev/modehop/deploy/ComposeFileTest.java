package dev.modehop.deploy;

import static dev.modehop.deploy.Manifests.at;
import static dev.modehop.deploy.Manifests.list;
import static dev.modehop.deploy.Manifests.map;
import static dev.modehop.deploy.Manifests.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modehop.ops.ServiceConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/docker-compose.yml, Dockerfile and Prometheus config: parsed and checked here on every machine;
 * additionally validated by Debian's docker-compose (`docker-compose config`) where it is installed.
 */
class ComposeFileTest {

    private static final List<String> MODEHOP_SERVICES = List.of("streams", "scorer", "dashboard", "notify");
    private static Path deploy;
    private static Map<String, Object> services;

    @BeforeAll
    static void load() throws IOException {
        deploy = Manifests.repoRoot().resolve("deploy");
        Map<String, Object> compose = Manifests.parse(Files.readString(deploy.resolve("docker-compose.yml")));
        services = map(compose.get("services"), "services");
    }

    private static Map<String, Object> service(String name) {
        return map(services.get(name), "service " + name);
    }

    private static Map<String, String> environment(String name) {
        Map<String, String> env = new HashMap<>();
        Object raw = service(name).get("environment");
        if (raw != null) {
            map(raw, name + " environment").forEach((k, v) -> env.put(k, v == null ? "" : v.toString()));
        }
        return env;
    }

    @Test
    void hasEveryComponent() {
        assertTrue(services.keySet().containsAll(List.of("kafka", "registry", "topics-init", "streams", "scorer",
                "dashboard", "prometheus", "grafana", "jobmanager", "taskmanager")), services.keySet().toString());
    }

    @Test
    void modehopServicesShareOneImageAndRunSubcommands() {
        String image = str(service("topics-init"), "image");
        assertNotNull(service("topics-init").get("build"), "the image is built once, by the first service");
        assertEquals("deploy/Dockerfile", str(service("topics-init"), "build.dockerfile"));
        for (String name : MODEHOP_SERVICES) {
            assertEquals(image, str(service(name), "image"), name);
            assertEquals(List.of(name), service(name).get("command"), name);
        }
        assertEquals(List.of("topics", "create", "--file", "/etc/modehop/topics.yaml"), service("topics-init").get("command"));
        assertEquals("no", str(service("topics-init"), "restart"));
    }

    @Test
    void modehopServicesAreHealthCheckedAndWaitForTopics() {
        for (String name : MODEHOP_SERVICES) {
            Map<String, Object> s = service(name);
            List<Object> test = list(at(s, "healthcheck.test"), name + " healthcheck");
            assertTrue(test.contains("http://localhost:8081/health/ready"), name + ": " + test);
            assertEquals("service_completed_successfully", str(s, "depends_on.topics-init.condition"), name);
            assertEquals("service_healthy", str(s, "depends_on.kafka.condition"), name);
            assertEquals("service_healthy", str(s, "depends_on.registry.condition"), name);
        }
        assertEquals("service_healthy", str(service("topics-init"), "depends_on.kafka.condition"));
        assertNotNull(at(service("kafka"), "healthcheck.test"));
        assertNotNull(at(service("registry"), "healthcheck.test"));
    }

    @Test
    void environmentIsValidServiceConfig() {
        for (String name : List.of("topics-init", "streams", "scorer", "dashboard", "notify")) {
            ServiceConfig cfg = ServiceConfig.load(null, environment(name));
            assertEquals("kafka:9092", cfg.bootstrapServers(), name);
            assertEquals("http://registry:8080/apis/ccompat/v7", cfg.registryUrl(), name);
            assertEquals(8081, cfg.healthPort(), name);
            assertEquals(name, cfg.serviceName(), name);
        }
        assertEquals(1, ServiceConfig.load(null, environment("topics-init")).topicsReplicationFactor().orElseThrow());
        assertEquals("streams:8090", environment("streams").get("MODEHOP_STREAMS_APPLICATION_SERVER"));
        Set<String> groups = new HashSet<>();
        for (String name : MODEHOP_SERVICES) {
            assertTrue(groups.add(environment(name).get("MODEHOP_GROUP_ID")), "distinct group ids: " + name);
        }
        assertEquals("false", environment("kafka").get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"));
    }

    @Test
    void flinkJobIsSubmittedWithKafkaAndTheRegistryOfTheOtherServices() {
        Map<String, Object> job = service("flink-job");
        List<Object> command = list(job.get("command"), "flink-job command");
        assertEquals(List.of("sh", "-c"), command.subList(0, 2));
        String line = command.get(2).toString();
        assertTrue(line.contains("flink run") && line.contains("/opt/modehop/flink/modehop-flink.jar"), line);
        // $$ is compose's literal $: the container's shell expands these from its own environment.
        assertTrue(line.contains("--bootstrap \"$$MODEHOP_BOOTSTRAP_SERVERS\""), line);
        assertTrue(line.contains("--registry \"$$MODEHOP_REGISTRY_URL\""), line);
        assertTrue(line.contains("--topic-prefix \"$$MODEHOP_TOPIC_PREFIX\""), line);
        assertFalse(line.contains("--prefix ") || line.contains("--checkpoint-interval-ms"), line);
        Map<String, String> env = environment("flink-job");
        assertEquals(environment("streams").get("MODEHOP_BOOTSTRAP_SERVERS"), env.get("MODEHOP_BOOTSTRAP_SERVERS"));
        assertEquals(environment("streams").get("MODEHOP_REGISTRY_URL"), env.get("MODEHOP_REGISTRY_URL"));
    }

    @Test
    void hostPortsAreTheDocumentedOnesAndDistinct() {
        Map<String, String> expected = Map.of("kafka", "29092:29092", "registry", "8080:8080", "dashboard", "8000:8080",
                "prometheus", "9090:9090", "grafana", "3000:3000", "jobmanager", "8082:8081");
        Set<String> hostPorts = new HashSet<>();
        services.forEach((name, raw) -> {
            Object ports = map(raw, name).get("ports");
            if (ports != null) {
                for (Object p : list(ports, name + " ports")) {
                    assertTrue(hostPorts.add(p.toString().split(":")[0]), "host port used twice: " + p);
                }
            }
        });
        expected.forEach((name, mapping) -> assertEquals(List.of(mapping), service(name).get("ports"), name));
    }

    @Test
    void mountedFilesExist() {
        assertTrue(Files.isRegularFile(deploy.resolve("prometheus/prometheus.yml")));
        assertTrue(Files.isDirectory(deploy.resolve("grafana/provisioning/datasources")));
        assertTrue(Files.isDirectory(deploy.resolve("grafana/provisioning/dashboards")));
        assertTrue(Files.isRegularFile(deploy.resolve("grafana/dashboards/modehop.json")));
        for (Object volume : list(service("prometheus").get("volumes"), "prometheus volumes")) {
            String source = volume.toString().split(":")[0];
            if (source.startsWith("./")) {
                assertTrue(Files.exists(deploy.resolve(source)), source);
            }
        }
    }

    @Test
    void notifyMountsARoutesFileThatParsesWithItsEnvironment() {
        Map<String, Object> notify = service("notify");
        assertEquals(List.of("notify"), notify.get("profiles"), "opt-in: it needs webhook URLs");
        assertTrue(list(notify.get("volumes"), "notify volumes").contains("./notify.yaml:/etc/modehop/notify.yaml:ro"));
        Map<String, String> env = new HashMap<>(environment("notify"));
        assertEquals("/etc/modehop/notify.yaml", env.get("MODEHOP_NOTIFY_CONFIG"));
        env.put("DASHBOARD_URL", "http://localhost:8000");
        env.put("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/X");
        env.put("WEBHOOK_URL", "https://hooks.example.com/modehop");
        env.put("WEBHOOK_SECRET", "s");
        dev.modehop.notify.NotifyConfig routes = dev.modehop.notify.NotifyConfig.load(deploy.resolve("notify.yaml"), env);
        assertEquals(2, routes.routes().size());
        assertEquals("http://localhost:8000", routes.dashboardUrl());
    }

    @Test
    void prometheusScrapesEveryModehopServiceOnItsHealthPort() throws IOException {
        Map<String, Object> prom = Manifests.parse(Files.readString(deploy.resolve("prometheus/prometheus.yml")));
        Set<String> targets = new HashSet<>();
        for (Object job : list(prom.get("scrape_configs"), "scrape_configs")) {
            for (Object sc : list(map(job, "job").get("static_configs"), "static_configs")) {
                list(map(sc, "static_config").get("targets"), "targets").forEach(t -> targets.add(t.toString()));
            }
        }
        for (String name : MODEHOP_SERVICES) {
            assertTrue(targets.contains(name + ":8081"), name + " in " + targets);
        }
        for (String target : targets) {
            String host = target.split(":")[0];
            assertTrue(host.equals("localhost") || services.containsKey(host), "scrape target is a compose service: " + target);
        }
    }

    @Test
    void dockerfileIsMultiStageAndNonRoot() throws IOException {
        List<String> lines = Files.readAllLines(deploy.resolve("Dockerfile"));
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(2, froms.size(), froms.toString());
        assertTrue(froms.get(0).contains(" AS build"), froms.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("COPY --from=build ")));
        List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
        assertEquals(1, users.size());
        String user = users.get(0).substring(5).trim();
        assertFalse(user.equals("root") || user.startsWith("0"), "runs as non-root: " + user);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENTRYPOINT [\"/usr/local/bin/modehop\"]")));
        Pattern copy = Pattern.compile("^COPY (?!--from)(\\S+) ");
        for (String line : lines) {
            Matcher m = copy.matcher(line);
            if (m.find() && !m.group(1).equals(".")) {
                assertTrue(Files.exists(Manifests.repoRoot().resolve(m.group(1))), "COPY source exists: " + m.group(1));
            }
        }
        assertTrue(Files.isExecutable(deploy.resolve("modehop.sh")));
    }

    // ---- Debian's docker-compose, where installed ----

    @Test
    void dockerComposeConfigAcceptsTheFile() throws Exception {
        Path binary = dockerCompose();
        Result r = run(binary, "-f", "docker-compose.yml", "config", "-q");
        assertEquals(0, r.exitCode, r.output);
    }

    @Test
    void dockerComposeConfigAcceptsTheGpuOverlayAndFlinkProfile() throws Exception {
        Path binary = dockerCompose();
        Result gpu = run(binary, "-f", "docker-compose.yml", "-f", "docker-compose.gpu.yml", "config");
        assertEquals(0, gpu.exitCode, gpu.output);
        Map<String, Object> merged = Manifests.parse(gpu.output);
        assertEquals("nvidia", str(merged, "services.scorer.deploy.resources.reservations.devices.0.driver"));
        assertEquals("gpu:0", str(merged, "services.scorer.environment.MODEHOP_DEVICE"));
        Result flink = run(binary, "-f", "docker-compose.yml", "--profile", "flink", "config", "--services");
        assertEquals(0, flink.exitCode, flink.output);
        assertTrue(flink.output.lines().toList().containsAll(List.of("jobmanager", "taskmanager", "flink-job")), flink.output);
    }

    private static Path dockerCompose() {
        Optional<Path> found = findOnPath("docker-compose");
        assumeTrue(found.isPresent(), "docker-compose is not installed (apt-get install -y docker-compose); "
                + "skipping the `docker-compose config` validation, the YAML checks above still ran");
        return found.get();
    }

    private static Optional<Path> findOnPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, exe);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path binary, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(deploy.toFile()).redirectErrorStream(false);
        // A clean environment: the compose defaults (${VAR:-default}) are what is checked, not this shell's.
        pb.environment().keySet().removeIf(k -> k.startsWith("MODEHOP_") || k.startsWith("COMPOSE_")
                || k.endsWith("_IMAGE") || k.equals("DOCKER_HOST"));
        Path err = Files.createTempFile("compose-", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        // A guard against a hung binary, not a performance assertion.
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("docker-compose did not finish: " + cmd);
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8) + (p.exitValue() == 0 ? "" : stderr));
    }
}
