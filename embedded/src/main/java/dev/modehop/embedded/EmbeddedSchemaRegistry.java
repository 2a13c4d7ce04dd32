package dev.modehop.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry of the embedded default, speaking the subset of the Confluent REST protocol that
 * serdes and operators use: register and look up schemas per subject, fetch by id, list subjects and
 * versions, and compatibility levels (BACKWARD by default, checked with Avro's own schema-resolution
 * rules). Started with a broker ({@link #start(int, String)}) it keeps every change in the compacted
 * {@code _schemas} topic before answering and replays it at start, so schemas and their ids live as long as
 * the broker's log; without one it lives in memory (tests). Distributed deployments use Apicurio Registry
 * or Confluent's instead.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<String> schemasById = new ArrayList<>();
    private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();
    private final Map<String, String> compatibility = new LinkedHashMap<>();
    private String defaultCompatibility = "BACKWARD";
    /** Null for a registry in memory. */
    private SchemaLog log;

    private EmbeddedSchemaRegistry(HttpServer server) {
        this.server = server;
    }

    /** In memory, on a free port. */
    public static EmbeddedSchemaRegistry start() {
        return start(0);
    }

    /** In memory; {@code port} 0 for a free one. */
    public static EmbeddedSchemaRegistry start(int port) {
        return start(port, null);
    }

    /**
     * @param port             0 for a free one
     * @param bootstrapServers the broker whose {@code _schemas} topic keeps the schemas; null for memory only
     */
    public static EmbeddedSchemaRegistry start(int port, String bootstrapServers) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(http);
            if (bootstrapServers != null) {
                try {
                    registry.log = SchemaLog.open(bootstrapServers, registry::apply);
                } catch (RuntimeException e) {
                    http.stop(0);
                    throw e;
                }
                LOG.info("embedded schema registry: {} schemas under {} subjects from {}", registry.schemasById.size(),
                        registry.versionsBySubject.size(), SchemaLog.TOPIC);
            }
            http.createContext("/", registry::handle);
            http.setExecutor(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "schema-registry");
                t.setDaemon(true);
                return t;
            }));
            http.start();
            LOG.info("embedded schema registry at {}", registry.url());
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded schema registry", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        if (log != null) {
            log.close();
        }
    }

    /** Applies one stored change (at start, and after each write). */
    private synchronized void apply(JsonNode change) {
        String subject = change.path("subject").isNull() ? null : change.path("subject").asText(null);
        if (change.path("kind").asText().equals("config")) {
            if (subject == null) {
                defaultCompatibility = change.path("compatibility").asText();
            } else {
                compatibility.put(subject, change.path("compatibility").asText());
            }
            return;
        }
        int id = change.path("id").asInt();
        int version = change.path("version").asInt();
        while (schemasById.size() < id) {
            schemasById.add(null);
        }
        schemasById.set(id - 1, change.path("schema").asText());
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (versions.size() < version) {
            versions.add(id);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String[] parts = ex.getRequestURI().getRawPath().replaceAll("^/+|/+$", "").split("/");
            for (int i = 0; i < parts.length; i++) {
                parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
            }
            JsonNode body = method.equals("GET") || method.equals("DELETE") ? null
                    : JSON.readTree(ex.getRequestBody().readAllBytes());
            Reply reply;
            try {
                synchronized (this) {
                    reply = route(method, parts, body);
                }
            } catch (IllegalStateException e) {
                // The broker did not take the change: nothing was applied, and the client retries a 503.
                LOG.warn("registry change not stored: {}", e.getMessage());
                reply = error(503, 50302, e.getMessage());
            }
            byte[] bytes = reply.body.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            ex.sendResponseHeaders(reply.status, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (RuntimeException e) {
            LOG.warn("registry request failed: {}", e.toString());
        }
    }

    private record Reply(int status, JsonNode body) {
    }

    private static Reply error(int status, int code, String message) {
        return new Reply(status, JSON.createObjectNode().put("error_code", code).put("message", message));
    }

    private Reply route(String method, String[] p, JsonNode body) {
        if (p.length == 1 && p[0].equals("subjects") && method.equals("GET")) {
            ArrayNode a = JSON.createArrayNode();
            versionsBySubject.keySet().forEach(a::add);
            return new Reply(200, a);
        }
        if (p.length == 3 && p[0].equals("schemas") && p[1].equals("ids") && method.equals("GET")) {
            int id = parseInt(p[2]);
            if (id < 1 || id > schemasById.size() || schemasById.get(id - 1) == null) {
                return error(404, 40403, "schema " + p[2] + " not found");
            }
            return new Reply(200, JSON.createObjectNode().put("schema", schemasById.get(id - 1)));
        }
        if (p.length == 3 && p[0].equals("subjects") && p[2].equals("versions")) {
            if (method.equals("POST")) {
                return register(p[1], body);
            }
            List<Integer> versions = versionsBySubject.get(p[1]);
            if (versions == null) {
                return error(404, 40401, "subject " + p[1] + " not found");
            }
            ArrayNode a = JSON.createArrayNode();
            for (int v = 1; v <= versions.size(); v++) {
                a.add(v);
            }
            return new Reply(200, a);
        }
        if (p.length == 4 && p[0].equals("subjects") && p[2].equals("versions") && method.equals("GET")) {
            List<Integer> versions = versionsBySubject.get(p[1]);
            if (versions == null) {
                return error(404, 40401, "subject " + p[1] + " not found");
            }
            int v = p[3].equals("latest") ? versions.size() : parseInt(p[3]);
            if (v < 1 || v > versions.size()) {
                return error(404, 40402, "version " + p[3] + " not found");
            }
            int id = versions.get(v - 1);
            return new Reply(200, JSON.createObjectNode().put("subject", p[1]).put("version", v).put("id", id)
                    .put("schema", schemasById.get(id - 1)));
        }
        if (p.length == 2 && p[0].equals("subjects") && method.equals("POST")) {
            Schema schema = parse(body);
            if (schema == null) {
                return error(422, 42201, "invalid schema");
            }
            List<Integer> versions = versionsBySubject.getOrDefault(p[1], List.of());
            for (int v = 0; v < versions.size(); v++) {
                if (parseStored(versions.get(v)).equals(schema)) {
                    return new Reply(200, JSON.createObjectNode().put("subject", p[1]).put("version", v + 1)
                            .put("id", versions.get(v)).put("schema", schema.toString()));
                }
            }
            return error(404, 40403, "schema not found under subject " + p[1]);
        }
        if (p.length == 5 && p[0].equals("compatibility") && method.equals("POST")) {
            Schema schema = parse(body);
            if (schema == null) {
                return error(422, 42201, "invalid schema");
            }
            return new Reply(200, JSON.createObjectNode().put("is_compatible", compatible(p[2], schema)));
        }
        if (p[0].equals("config")) {
            if (method.equals("PUT")) {
                String level = body.path("compatibility").asText("").toUpperCase(Locale.ROOT);
                if (!List.of("NONE", "BACKWARD", "FORWARD", "FULL", "BACKWARD_TRANSITIVE", "FORWARD_TRANSITIVE",
                        "FULL_TRANSITIVE").contains(level)) {
                    return error(422, 42203, "invalid compatibility level " + level);
                }
                String subject = p.length == 1 ? null : p[1];
                if (log != null) {
                    log.compatibility(subject, level);
                }
                apply(JSON.createObjectNode().put("kind", "config").put("subject", subject).put("compatibility", level));
                return new Reply(200, JSON.createObjectNode().put("compatibility", level));
            }
            String level = p.length == 1 ? defaultCompatibility : compatibility.getOrDefault(p[1], defaultCompatibility);
            return new Reply(200, JSON.createObjectNode().put("compatibilityLevel", level));
        }
        return error(404, 404, "no such endpoint: " + method + " /" + String.join("/", p));
    }

    private Reply register(String subject, JsonNode body) {
        Schema schema = parse(body);
        if (schema == null) {
            return error(422, 42201, "invalid schema");
        }
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        for (int id : versions) {
            if (parseStored(id).equals(schema)) {
                return new Reply(200, JSON.createObjectNode().put("id", id));
            }
        }
        if (!compatible(subject, schema)) {
            return error(409, 409, "schema is incompatible with the latest version of " + subject + " under "
                    + compatibility.getOrDefault(subject, defaultCompatibility));
        }
        int id = idOf(schema);
        int version = versions.size() + 1;
        // Stored (and acknowledged) before it is applied and answered: an id a client has seen survives a restart.
        if (log != null) {
            log.schema(subject, version, id, schema.toString());
        }
        apply(JSON.createObjectNode().put("kind", "schema").put("subject", subject).put("version", version)
                .put("id", id).put("schema", schema.toString()));
        return new Reply(200, JSON.createObjectNode().put("id", id));
    }

    /** The id of an equal schema registered under any subject, else the next free id. */
    private int idOf(Schema schema) {
        for (int i = 0; i < schemasById.size(); i++) {
            if (schemasById.get(i) != null && new Schema.Parser().parse(schemasById.get(i)).equals(schema)) {
                return i + 1;
            }
        }
        return schemasById.size() + 1;
    }

    private boolean compatible(String subject, Schema candidate) {
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            return true;
        }
        String level = compatibility.getOrDefault(subject, defaultCompatibility);
        List<Integer> against = level.endsWith("_TRANSITIVE") ? versions : List.of(versions.get(versions.size() - 1));
        for (int id : against) {
            Schema old = parseStored(id);
            boolean backward = SchemaCompatibility.checkReaderWriterCompatibility(candidate, old).getType()
                    == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
            boolean forward = SchemaCompatibility.checkReaderWriterCompatibility(old, candidate).getType()
                    == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
            boolean ok = switch (level.replace("_TRANSITIVE", "")) {
                case "NONE" -> true;
                case "FORWARD" -> forward;
                case "FULL" -> forward && backward;
                default -> backward;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private Schema parseStored(int id) {
        return new Schema.Parser().parse(schemasById.get(id - 1));
    }

    private static Schema parse(JsonNode body) {
        if (body == null || !body.hasNonNull("schema")) {
            return null;
        }
        try {
            return new Schema.Parser().parse(body.get("schema").asText());
        } catch (SchemaParseException e) {
            return null;
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** For tests and tools: an {@link ObjectNode} describing the registry's content. */
    public synchronized ObjectNode describe() {
        ObjectNode n = JSON.createObjectNode();
        versionsBySubject.forEach((s, v) -> n.put(s, v.size()));
        return n;
    }
}
