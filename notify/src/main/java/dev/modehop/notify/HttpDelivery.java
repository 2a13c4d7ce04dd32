package dev.modehop.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs one message to one route until the receiver takes it. Transient failures (connection errors, a
 * request that stalls past the timeout, 408, 425, 429 and 5xx) are retried with exponential backoff and
 * jitter, 429 after its Retry-After, without limit: an outage delays alerts, it never drops them. Any
 * other 4xx is a configuration error (a revoked Slack hook answers 403/404/410) and is final.
 */
final class HttpDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);

    /** Waits between attempts; the notifier keeps its consumer alive meanwhile. */
    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    record Outcome(boolean delivered, int attempts, String detail) {
    }

    private final HttpClient client;
    private final NotifyConfig config;

    HttpDelivery(NotifyConfig config) {
        this.config = config;
        this.client = HttpClient.newBuilder().connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Outcome deliver(NotifyConfig.Route route, String alertId, String body, Pause pause) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(route.url()).timeout(config.requestTimeout())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "modehop-notify/1")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (route.kind() == NotifyConfig.Kind.WEBHOOK) {
                long now = System.currentTimeMillis() / 1000;
                req.header(WebhookPayload.ALERT_ID_HEADER, alertId).header(WebhookPayload.TIMESTAMP_HEADER,
                        Long.toString(now));
                if (route.secret() != null) {
                    req.header(WebhookPayload.SIGNATURE_HEADER, WebhookPayload.signature(route.secret(), now, body));
                }
            }
            Duration wait;
            String why;
            try {
                HttpResponse<String> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
                int code = resp.statusCode();
                if (code >= 200 && code < 300) {
                    return new Outcome(true, attempt, "HTTP " + code);
                }
                why = "HTTP " + code + " " + abbreviate(resp.body());
                if (code == 429) {
                    wait = retryAfter(resp.headers().firstValue("Retry-After").orElse(null), attempt);
                } else if (code == 408 || code == 425 || code >= 500) {
                    wait = backoff(attempt);
                } else {
                    return new Outcome(false, attempt, why);
                }
            } catch (IOException e) {
                // HttpTimeoutException included: a stalled receiver is retried like a failed one.
                why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                wait = backoff(attempt);
            }
            LOG.warn("route {}: alert {} attempt {} failed ({}); retrying in {} ms", route.name(), alertId, attempt, why,
                    wait.toMillis());
            pause.pause(wait);
        }
    }

    Duration backoff(int attempt) {
        long base = config.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, config.maxBackoff().toMillis());
        return Duration.ofMillis((long) (capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }

    /** Retry-After in seconds or as an HTTP date; without one (or a nonsense one), plain backoff. */
    Duration retryAfter(String header, int attempt) {
        if (header != null) {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip())));
            } catch (NumberFormatException e) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    return Duration.ofMillis(Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis()));
                } catch (RuntimeException ignored) {
                    // fall through to backoff
                }
            }
        }
        return backoff(attempt);
    }

    private static String abbreviate(String body) {
        String s = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
