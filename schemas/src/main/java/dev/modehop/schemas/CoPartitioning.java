package dev.modehop.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * The rule that keeps a run's records together: the monitor's input topics must all have the same partition
 * count. Every record is keyed by run id and Kafka's default partitioner maps a key to a partition by hash
 * modulo the count, so with 6 partitions for announcements and 12 for scores a run's scores land in another
 * task than its announcements, and Kafka Streams (which only checks co-partitioning for joins) silently
 * drops the run. The jobs check it before they start, and {@code modehop topics create} refuses a topics
 * file that breaks it.
 */
public final class CoPartitioning {
    private CoPartitioning() {
    }

    /** The monitor's input topics are missing or have different partition counts; the message names them. */
    public static final class NotCoPartitionedException extends IllegalStateException {
        NotCoPartitionedException(String message) {
            super(message);
        }
    }

    /**
     * The problem with a layout, or null when every topic has the same count.
     *
     * @param partitionsByTopic each input topic's partition count, null for a topic that does not exist
     */
    public static String problem(Map<String, Integer> partitionsByTopic) {
        List<String> missing = new ArrayList<>();
        Set<Integer> counts = new TreeSet<>();
        partitionsByTopic.forEach((topic, n) -> {
            if (n == null) {
                missing.add(topic);
            } else {
                counts.add(n);
            }
        });
        if (!missing.isEmpty()) {
            return "input topic" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + (missing.size() == 1 ? " does" : " do") + " not exist (create " + (missing.size() == 1 ? "it" : "them")
                    + " with 'modehop topics create')";
        }
        if (counts.size() <= 1) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        partitionsByTopic.forEach((topic, n) -> parts.add(topic + " has " + n));
        return "input topics are not co-partitioned: " + String.join(", ", parts) + " partitions; the monitor's "
                + "inputs need one partition count, or a run's records land in different tasks and the run is lost";
    }

    /**
     * Describes {@code topics} on the cluster and throws {@link NotCoPartitionedException} when one is missing
     * or their partition counts differ.
     *
     * @param clientConfig the job's client settings (bootstrap servers, security); keys the admin client does
     *                     not know are left out
     */
    public static void require(Map<?, ?> clientConfig, List<String> topics) {
        require(null, clientConfig, topics);
    }

    /** As {@link #require(Map, List)}, with {@code bootstrapServers} (when not null) winning over the config's. */
    public static void require(String bootstrapServers, Map<?, ?> clientConfig, List<String> topics) {
        Map<String, Object> admin = new HashMap<>();
        Set<String> known = AdminClientConfig.configNames();
        clientConfig.forEach((k, v) -> {
            String key = k.toString();
            if (known.contains(key)) {
                admin.put(key, v);
            }
        });
        if (bootstrapServers != null) {
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "modehop-copartitioning-check");
        admin.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        Duration wait = Duration.ofSeconds(60);
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (Admin client = Admin.create(admin)) {
            Set<String> existing = client.listTopics().names().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            // Topics created a moment ago (the embedded stack creates them right before starting the job)
            // reach the broker's metadata a little later: give them a few seconds before calling them missing.
            long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!existing.containsAll(topics) && System.nanoTime() < giveUpAt) {
                Thread.sleep(200);
                existing = client.listTopics().names().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            }
            List<String> present = topics.stream().filter(existing::contains).toList();
            Map<String, TopicDescription> described = present.isEmpty() ? Map.of()
                    : client.describeTopics(present).allTopicNames().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            for (String t : topics) {
                TopicDescription d = described.get(t);
                counts.put(t, d == null ? null : d.partitions().size());
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot check the partitioning of the input topics " + topics + ": "
                    + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the input topics' partitioning", e);
        }
        String problem = problem(counts);
        if (problem != null) {
            throw new NotCoPartitionedException("refusing to start: " + problem);
        }
    }
}
