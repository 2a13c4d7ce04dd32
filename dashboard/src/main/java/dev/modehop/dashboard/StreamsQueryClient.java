package dev.modehop.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the Streams job for a run's state through its interactive queries ({@code dashboard.streams.url}: any
 * instance; the one asked reads the run through the instance that owns it). The dashboard's read token, when it
 * has one, travels as the bearer token: the instances are configured with the same {@code read.token}.
 */
final class StreamsQueryClient {
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** Why the Streams job gave no answer (unreachable, rebalancing, refused): the dashboard says so, 502. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    StreamsQueryClient(String url, String token) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.base = URI.create(trimmed);
        if (base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) {
            throw new IllegalArgumentException("the Streams query URL must be http(s)://host:port, got '" + url + "'");
        }
        this.token = token;
    }

    /** The run's summary as the Streams job holds it; empty when no instance holds the run. */
    Optional<JsonNode> run(String runId) throws Unavailable {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/runs/"
                + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20")))
                .timeout(Duration.ofSeconds(15)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("the Streams job at " + base + " is unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking the Streams job");
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            body = HttpResponses.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Unavailable("the Streams job at " + base + " answered no JSON (HTTP " + response.statusCode() + ")");
        }
        if (response.statusCode() != 200) {
            throw new Unavailable("the Streams job at " + base + " answered HTTP " + response.statusCode() + ": "
                    + body.path("error").asText(""));
        }
        return Optional.of(body);
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
