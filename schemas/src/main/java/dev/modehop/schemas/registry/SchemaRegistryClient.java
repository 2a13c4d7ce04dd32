package dev.modehop.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A client of the Confluent-compatible schema registry protocol (Confluent Schema Registry, Apicurio
 * Registry's {@code /apis/ccompat/v7}, modehop's embedded registry). Caches ids and schemas.
 *
 * <p>Failures that may pass (no connection, timeouts, HTTP 5xx, 408 and 429) are retried with exponential
 * backoff for up to {@link #retryBudget()} (default 30 s, {@code -Dmodehop.registry.retry.ms} to change) and
 * then surface as {@link TransientRegistryException}; an answer that says no (404, 409, 422 ...) is a
 * {@link RegistryException} at once.
 */
public final class SchemaRegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final String baseUrl;
    private final Duration retryBudget;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentHashMap<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, String> schemasById = new ConcurrentHashMap<>();

    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, Duration.ofMillis(Long.getLong("modehop.registry.retry.ms", 30_000)));
    }

    /** @param retryBudget how long transient failures are retried before {@link TransientRegistryException} */
    public SchemaRegistryClient(String baseUrl, Duration retryBudget) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("no schema registry URL configured (schema.registry.url)");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.retryBudget = retryBudget;
    }

    public Duration retryBudget() {
        return retryBudget;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Registers the schema under the subject (or finds it) and returns its global id. */
    public int register(String subject, String schema) {
        return idsBySubjectAndSchema.computeIfAbsent(subject + "\u0000" + schema, k -> {
            JsonNode reply = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
            int id = reply.path("id").asInt(-1);
            if (id < 0) {
                throw new RegistryException("registry answered without an id: " + reply);
            }
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    /** The id of a schema already registered under the subject; fails if it is not. */
    public int lookup(String subject, String schema) {
        return idsBySubjectAndSchema.computeIfAbsent(subject + "\u0000" + schema, k -> {
            JsonNode reply = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
            return reply.path("id").asInt();
        });
    }

    public String schemaById(int id) {
        return schemasById.computeIfAbsent(id, k -> send("GET", "/schemas/ids/" + id, null).path("schema").asText());
    }

    /** Whether the schema could be registered as the subject's next version under its compatibility rule. */
    public boolean isCompatible(String subject, String schema) {
        JsonNode reply = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                schemaBody(schema));
        return reply.path("is_compatible").asBoolean(false);
    }

    /** Sets a subject's compatibility level (BACKWARD, FORWARD, FULL, NONE ...). */
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        send("PUT", "/config/" + encode(subject), body.toString());
    }

    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        send("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends with retries: transient failures are retried with doubling pauses until the budget is spent. */
    private JsonNode send(String method, String path, String body) {
        long deadline = System.nanoTime() + retryBudget.toNanos();
        Duration backoff = FIRST_BACKOFF;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                return sendOnce(method, path, body);
            } catch (Transient t) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TransientRegistryException("schema registry at " + baseUrl + " did not answer " + method
                            + " " + path + " after " + attempts + " attempts in " + retryBudget.toMillis() + " ms: "
                            + t.getMessage(), t.status, t.getCause());
                }
                try {
                    Thread.sleep(Math.min(backoff.toMillis(), TimeUnit.NANOSECONDS.toMillis(left) + 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransientRegistryException("interrupted while retrying the schema registry", t.status, e);
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** One failed attempt that may succeed when repeated. */
    private static final class Transient extends Exception {
        final int status;

        Transient(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }
    }

    static boolean transientStatus(int status) {
        return status / 100 == 5 || status == 408 || status == 429;
    }

    private JsonNode sendOnce(String method, String path, String body) throws Transient {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Transient("unreachable: " + e, -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientRegistryException("interrupted while calling the schema registry", -1, e);
        }
        if (transientStatus(response.statusCode())) {
            throw new Transient("HTTP " + response.statusCode() + ": " + response.body(), response.statusCode(), null);
        }
        if (response.statusCode() / 100 != 2) {
            throw new RegistryException(method + " " + path + " -> HTTP " + response.statusCode() + ": "
                    + response.body(), response.statusCode());
        }
        try {
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RegistryException("registry answered with invalid JSON: " + response.body(), e);
        }
    }
}
