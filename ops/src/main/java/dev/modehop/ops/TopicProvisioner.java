package dev.modehop.ops;

import dev.modehop.schemas.CoPartitioning;
import dev.modehop.schemas.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics a topics file describes when they are missing and reports existing topics whose
 * partitions, replication factor or listed configs differ. It never alters or deletes an existing topic:
 * adding partitions moves keys (one run must stay in one partition) and shrinking retention deletes data,
 * so both stay a human decision.
 *
 * <p>Run as {@code modehop topics create} from a compose init container or a Helm pre-install hook, so
 * the cluster can keep {@code auto.create.topics.enable=false}.
 */
public final class TopicProvisioner {

    /** Exit code: every topic exists (created now or already); differences, if any, were only reported. */
    public static final int OK = 0;
    /** Exit code: Kafka refused or could not be reached for at least one topic. */
    public static final int KAFKA_ERROR = 1;
    /** Exit code: the topics file or the configuration is invalid; nothing was sent to Kafka. */
    public static final int BAD_INPUT = 2;
    /** Exit code: the cluster could not be reached at all (the CLI's exit code for an unreachable service). */
    public static final int UNREACHABLE = 2;

    static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

    private final Admin admin;
    private final Duration timeout;

    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** One existing topic that differs from its spec; {@code differences} are human-readable. */
    public record Drift(String topic, List<String> differences) {
    }

    /**
     * What {@link #provision} did; {@code partitions} holds the partition count each topic has now (as created
     * or as found); {@code layoutProblem} says why the input topics are not co-partitioned, null when they are.
     */
    public record Report(List<TopicSpec> created, List<String> unchanged, List<Drift> drifted, Map<String, String> failed,
                         Map<String, Integer> partitions, String layoutProblem) {
        public boolean ok() {
            return failed.isEmpty() && layoutProblem == null;
        }

        /**
         * The report with a failure added when the monitor's input topics as they now exist are not
         * co-partitioned (an existing topic kept a different count): the jobs would refuse to start on them.
         */
        public Report checkCoPartitioned(List<String> inputTopics) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            inputTopics.stream().filter(partitions::containsKey).forEach(t -> counts.put(t, partitions.get(t)));
            String problem = CoPartitioning.problem(counts);
            if (problem == null) {
                return this;
            }
            return new Report(created, unchanged, drifted, failed, partitions, problem);
        }
    }

    /**
     * Loads {@code topicsFile}, applies {@code cfg}'s topic prefix and replication-factor override, and
     * provisions the topics on {@code cfg}'s cluster; prints one line per topic and a summary to
     * {@code out}. Returns {@link #OK}, {@link #KAFKA_ERROR} or {@link #BAD_INPUT}.
     */
    public static int run(ServiceConfig cfg, Path topicsFile, PrintStream out) {
        List<TopicSpec> specs;
        try {
            specs = physicalSpecs(cfg, TopicsFile.load(topicsFile));
        } catch (TopicsFile.InvalidTopicsFileException | IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            return BAD_INPUT;
        }
        Properties props = cfg.toKafkaProperties();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, cfg.topicsTimeoutMs());
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(timeoutMs, 30_000)));
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "modehop-topics");
        out.println("provisioning " + specs.size() + " topics from " + topicsFile + " on " + cfg.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Report report = new TopicProvisioner(admin, Duration.ofMillis(timeoutMs)).provision(specs)
                    .checkCoPartitioned(Topics.inputNames(cfg.topicPrefix()));
            print(report, out);
            return report.ok() ? OK : KAFKA_ERROR;
        } catch (RuntimeException e) {
            String why = e instanceof IllegalStateException ? e.getMessage() : rootMessage(e);
            out.println("modehop: error: cannot talk to Kafka at " + cfg.bootstrapServers() + ": " + why
                    + " (check the bootstrap address, MODEHOP_BOOTSTRAP_SERVERS, and that the brokers are up)");
            return UNREACHABLE;
        }
    }

    /**
     * The specs with {@code cfg}'s prefix applied to names and its replication-factor override, if any
     * (which also lowers {@code min.insync.replicas} to the new factor where it exceeds it).
     */
    public static List<TopicSpec> physicalSpecs(ServiceConfig cfg, List<TopicSpec> logical) {
        List<TopicSpec> out = new ArrayList<>(logical.size());
        for (TopicSpec spec : logical) {
            TopicSpec s = spec.withName(cfg.topic(spec.name()));
            if (cfg.topicsReplicationFactor().isPresent()) {
                int rf = cfg.topicsReplicationFactor().get();
                if (rf > Short.MAX_VALUE) {
                    throw new IllegalArgumentException(ServiceConfig.TOPICS_REPLICATION_FACTOR + " is too large: " + rf);
                }
                s = s.withReplicationFactor((short) rf);
                String minIsr = s.configs().get(MIN_INSYNC_REPLICAS);
                if (minIsr != null && minIsr.trim().matches("\\d+") && Integer.parseInt(minIsr.trim()) > rf) {
                    // With fewer replicas than min.insync.replicas every acks=all write would fail.
                    Map<String, String> configs = new LinkedHashMap<>(s.configs());
                    configs.put(MIN_INSYNC_REPLICAS, Integer.toString(rf));
                    s = new TopicSpec(s.name(), s.partitions(), s.replicationFactor(), configs);
                }
            }
            out.add(s);
        }
        return out;
    }

    /** Creates what is missing, compares what exists. Throws only when the topic list cannot be read. */
    public Report provision(List<TopicSpec> specs) {
        Set<String> existing = await(admin.listTopics().names(), "listing topics");
        List<TopicSpec> created = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, Integer> partitions = new LinkedHashMap<>();
        List<TopicSpec> toCompare = new ArrayList<>();

        List<TopicSpec> missing = specs.stream().filter(s -> !existing.contains(s.name())).toList();
        if (!missing.isEmpty()) {
            List<NewTopic> newTopics = missing.stream()
                    .map(s -> new NewTopic(s.name(), s.partitions(), s.replicationFactor()).configs(s.configs()))
                    .toList();
            CreateTopicsResult result = admin.createTopics(newTopics);
            for (TopicSpec spec : missing) {
                try {
                    result.values().get(spec.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(spec);
                    partitions.put(spec.name(), spec.partitions());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        // Another provisioner (a second replica of the hook) won the race: compare instead.
                        toCompare.add(spec);
                    } else {
                        failed.put(spec.name(), rootMessage(e));
                    }
                } catch (TimeoutException e) {
                    failed.put(spec.name(), "no answer within " + timeout.toMillis() + " ms");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed.put(spec.name(), "interrupted");
                }
            }
        }
        specs.stream().filter(s -> existing.contains(s.name())).forEach(toCompare::add);

        List<String> unchanged = new ArrayList<>();
        List<Drift> drifted = new ArrayList<>();
        if (!toCompare.isEmpty()) {
            compare(toCompare, unchanged, drifted, failed, partitions);
        }
        return new Report(created, unchanged, drifted, failed, partitions, null);
    }

    private void compare(List<TopicSpec> specs, List<String> unchanged, List<Drift> drifted, Map<String, String> failed,
                         Map<String, Integer> partitions) {
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        Map<String, KafkaFuture<TopicDescription>> descriptions = admin.describeTopics(names).topicNameValues();
        List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources).values();
        for (TopicSpec spec : specs) {
            try {
                TopicDescription d = descriptions.get(spec.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                partitions.put(spec.name(), d.partitions().size());
                List<String> diffs = differences(spec, d, c);
                if (diffs.isEmpty()) {
                    unchanged.add(spec.name());
                } else {
                    drifted.add(new Drift(spec.name(), diffs));
                }
            } catch (ExecutionException e) {
                failed.put(spec.name(), "cannot describe: " + rootMessage(e));
            } catch (TimeoutException e) {
                failed.put(spec.name(), "cannot describe: no answer within " + timeout.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.put(spec.name(), "interrupted");
            }
        }
    }

    static List<String> differences(TopicSpec spec, TopicDescription actual, Config config) {
        List<String> diffs = new ArrayList<>();
        int partitions = actual.partitions().size();
        if (partitions != spec.partitions()) {
            diffs.add("partitions: want " + spec.partitions() + ", have " + partitions);
        }
        int rf = actual.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
        if (rf != spec.replicationFactor()) {
            diffs.add("replicationFactor: want " + spec.replicationFactor() + ", have " + rf);
        }
        for (Map.Entry<String, String> want : spec.configs().entrySet()) {
            ConfigEntry have = config.get(want.getKey());
            String haveValue = have == null ? null : have.value();
            if (!sameConfigValue(want.getValue(), haveValue)) {
                diffs.add(want.getKey() + ": want " + want.getValue() + ", have " + haveValue);
            }
        }
        return diffs;
    }

    private static boolean sameConfigValue(String want, String have) {
        if (have == null) {
            return false;
        }
        // List-valued configs such as cleanup.policy=compact,delete may come back in another order.
        if (want.contains(",") || have.contains(",")) {
            return Set.of(want.replace(" ", "").split(",")).equals(Set.of(have.replace(" ", "").split(",")));
        }
        return want.trim().equals(have.trim());
    }

    /** One line per topic, then a summary line. */
    public static void print(Report report, PrintStream out) {
        for (TopicSpec spec : report.created()) {
            out.println("created  " + spec);
        }
        for (String name : report.unchanged()) {
            out.println("exists   " + name);
        }
        for (Drift drift : report.drifted()) {
            out.println("differs  " + drift.topic() + ": " + String.join("; ", drift.differences())
                    + " (left as is: change it by hand if intended)");
        }
        report.failed().forEach((name, why) -> out.println("failed   " + name + ": " + why));
        if (report.layoutProblem() != null) {
            out.println("failed   " + report.layoutProblem() + " (existing topics are never altered: fix them by hand)");
        }
        int total = report.created().size() + report.unchanged().size() + report.drifted().size() + report.failed().size();
        out.println("summary: " + total + " topics: " + report.created().size() + " created, "
                + report.unchanged().size() + " already as specified, " + report.drifted().size() + " differ, "
                + report.failed().size() + " failed");
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + rootMessage(e), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        }
    }

    static String rootMessage(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String msg = cause.getMessage();
        return cause.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
