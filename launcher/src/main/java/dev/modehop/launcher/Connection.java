package dev.modehop.launcher;

import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/**
 * Where Kafka and the schema registry are: options shared by every command that talks to them. Before a
 * command uses them, {@link #topics()} checks that both accept a connection, each within
 * {@value #REACH_TIMEOUT_SECONDS} s, that the broker lists its topics within as long again, and that the
 * modehop input topics exist: a wrong address or a broker that is not running is one clear line within
 * 15 s at most (exit code 2), not a client retrying for half a minute.
 *
 * <p>Each option's {@code descriptionKey} is its ServiceConfig key: service commands with
 * {@link ServiceConfigDefaults} take it from the settings file too.
 */
public final class Connection {
    static final int REACH_TIMEOUT_SECONDS = 5;

    @Option(names = "--bootstrap", descriptionKey = "bootstrap.servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $MODEHOP_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}, where 'modehop up' listens)",
            defaultValue = "${env:MODEHOP_BOOTSTRAP_SERVERS:-127.0.0.1:9092}")
    String bootstrap;

    @Option(names = "--registry", descriptionKey = "registry.url", paramLabel = "URL",
            description = "schema registry URL, Confluent protocol (default: $MODEHOP_REGISTRY_URL or ${DEFAULT-VALUE})",
            defaultValue = "${env:MODEHOP_REGISTRY_URL:-http://127.0.0.1:8081}")
    String registry;

    @Option(names = "--topic-prefix", descriptionKey = "topic.prefix", paramLabel = "PREFIX", description = "prefix of every topic name (default: none)",
            defaultValue = "${env:MODEHOP_TOPIC_PREFIX:-}")
    String topicPrefix;

    private Topics checked;

    /** The topics, once the registry and the broker answered and the input topics exist. */
    public Topics topics() {
        if (checked == null) {
            Topics topics = Topics.create(topicPrefix, Map.of(AvroSerdes.REGISTRY_URL, registry));
            requireRegistry();
            requireBroker(topics.inputs());
            checked = topics;
        }
        return checked;
    }

    void requireRegistry() {
        URI uri;
        try {
            uri = URI.create(registry);
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("expected http://HOST:PORT");
            }
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--registry '" + registry + "' is not an http(s) URL (" + e.getMessage() + ")");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
        String failure = connect(List.of(new InetSocketAddress(uri.getHost(), port)),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(REACH_TIMEOUT_SECONDS));
        if (failure != null) {
            throw new UnreachableException("cannot reach the schema registry at " + registry + " within "
                    + REACH_TIMEOUT_SECONDS + " s (" + failure + "); is 'modehop up' (or the registry) running? "
                    + "check --registry or $MODEHOP_REGISTRY_URL");
        }
    }

    /**
     * A plain TCP connect to any of the addresses before the deadline: null when one answered, else why
     * not. Cheaper and more precise than a client's retries (refused, unknown host and timeout differ).
     */
    static String connect(List<InetSocketAddress> addresses, long deadlineNanos) {
        String why = "no address";
        for (InetSocketAddress a : addresses) {
            if (a.isUnresolved()) {
                why = "cannot resolve " + a.getHostString();
                continue;
            }
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (leftMs <= 0) {
                return "timed out";
            }
            try (Socket socket = new Socket()) {
                socket.connect(a, (int) leftMs);
                return null;
            } catch (SocketTimeoutException e) {
                why = "no answer from " + a.getHostString() + ":" + a.getPort();
            } catch (IOException e) {
                why = (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " at "
                        + a.getHostString() + ":" + a.getPort();
            }
        }
        return why;
    }

    static List<InetSocketAddress> bootstrapAddresses(String bootstrap) {
        List<InetSocketAddress> out = new java.util.ArrayList<>();
        for (String part : bootstrap.split(",")) {
            String hp = part.strip();
            int colon = hp.lastIndexOf(':');
            if (hp.isEmpty() || colon <= 0 || colon == hp.length() - 1) {
                throw new UserInputException("--bootstrap '" + bootstrap + "' must be HOST:PORT[,HOST:PORT...]");
            }
            try {
                out.add(new InetSocketAddress(hp.substring(0, colon).replaceAll("^\\[|]$", ""),
                        Integer.parseInt(hp.substring(colon + 1))));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--bootstrap '" + bootstrap + "': bad port in '" + hp + "'");
            }
        }
        return out;
    }

    void requireBroker(List<Topic<?>> needed) {
        String check = "is 'modehop up' (or the broker) running? check --bootstrap or $MODEHOP_BOOTSTRAP_SERVERS";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REACH_TIMEOUT_SECONDS);
        String failure = connect(bootstrapAddresses(bootstrap), deadline);
        if (failure != null) {
            throw new UnreachableException("cannot reach Kafka at " + bootstrap + " within " + REACH_TIMEOUT_SECONDS
                    + " s (" + failure + "); " + check);
        }
        int ms = REACH_TIMEOUT_SECONDS * 1000;
        Map<String, Object> cfg = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, ms);
        // The bootstrap address answered; what fails now is usually the listeners the broker advertises.
        check = "check that the broker's advertised listeners resolve and answer from here";
        Set<String> existing;
        Admin admin = null;
        try {
            admin = Admin.create(cfg);
            existing = admin.listTopics().names().get(REACH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new UnreachableException("cannot use Kafka at " + bootstrap + ": " + describe(e.getCause() == null ? e
                    : e.getCause()) + "; " + check);
        } catch (ExecutionException | TimeoutException e) {
            throw new UnreachableException("Kafka at " + bootstrap + " accepted a connection but did not list its "
                    + "topics within " + REACH_TIMEOUT_SECONDS + " s (" + describe(e.getCause() == null ? e : e.getCause())
                    + "); " + check);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reaching " + bootstrap, e);
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1));
            }
        }
        List<String> missing = needed.stream().map(Topic::name).filter(n -> !existing.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new UserInputException("Kafka at " + bootstrap + " has no topic " + String.join(", ", missing)
                    + "; create them with 'modehop topics create --file deploy/topics.yaml', or check --topic-prefix"
                    + " (now '" + topicPrefix + "')");
        }
    }

    private static String describe(Throwable e) {
        String name = e.getClass().getSimpleName();
        return e.getMessage() == null || e.getMessage().isBlank() ? name : name + ": " + e.getMessage();
    }
}
