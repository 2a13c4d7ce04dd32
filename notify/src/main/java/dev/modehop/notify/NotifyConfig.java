package dev.modehop.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.modehop.events.Severity;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code modehop notify} delivers where: a YAML file (format in notify/README.md). Values may name
 * environment variables as {@code ${NAME}} so webhook URLs and secrets stay out of the file.
 */
public record NotifyConfig(List<Route> routes, String dashboardUrl, Duration cooldown, Duration requestTimeout,
                           Duration initialBackoff, Duration maxBackoff, Duration contextWait) {

    /** Where alerts go: a Slack incoming webhook or a generic JSON webhook. */
    public enum Kind { SLACK, WEBHOOK }

    /**
     * One destination.
     *
     * @param minSeverity alerts below it are not sent here
     * @param cooldown    after a delivery, further alerts of the same (run, rule) within it are suppressed
     * @param secret      webhook routes: HMAC-SHA256 key of the signature header (null: unsigned)
     */
    public record Route(String name, Kind kind, URI url, Severity minSeverity, Duration cooldown, String secret) {
        public boolean wants(Severity s) {
            return s.ordinal() >= minSeverity.ordinal();
        }
    }

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> TOP_KEYS = Set.of("routes", "dashboard", "cooldown", "request-timeout",
            "initial-backoff", "max-backoff", "context-wait");
    private static final Set<String> ROUTE_KEYS = Set.of("name", "type", "url", "min-severity", "cooldown", "secret");

    public static NotifyConfig load(Path file, Map<String, String> env) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("notify config " + file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(root, file.toString(), env);
    }

    static NotifyConfig parse(JsonNode root, String where, Map<String, String> env) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping with 'routes'");
        }
        unknownKeys(root, TOP_KEYS, where);
        Duration cooldown = duration(root, "cooldown", "10m", where);
        JsonNode list = root.path("routes");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'routes' must list at least one route");
        }
        List<Route> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            String at = where + ": routes[" + i + "]";
            if (!r.isObject()) {
                throw new IllegalArgumentException(at + ": expected a mapping");
            }
            unknownKeys(r, ROUTE_KEYS, at);
            String name = required(r, "name", at, env);
            if (!names.add(name)) {
                throw new IllegalArgumentException(at + ": route name '" + name + "' used twice");
            }
            String type = required(r, "type", at, env).toUpperCase(Locale.ROOT);
            Kind kind;
            try {
                kind = Kind.valueOf(type);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": type must be slack or webhook, not '" + type + "'");
            }
            URI url;
            try {
                url = URI.create(required(r, "url", at, env));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": url is not a URI: " + e.getMessage());
            }
            if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
                throw new IllegalArgumentException(at + ": url must be http:// or https://, got '" + url + "'");
            }
            Severity min;
            String sev = r.path("min-severity").asText("INFO").toUpperCase(Locale.ROOT);
            try {
                min = Severity.valueOf(sev);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": min-severity must be INFO, WARN or CRITICAL, not '" + sev + "'");
            }
            String secret = r.has("secret") ? substitute(r.get("secret").asText(), at, env) : null;
            if (secret != null && kind == Kind.SLACK) {
                throw new IllegalArgumentException(at + ": 'secret' signs generic webhooks; Slack URLs carry their own");
            }
            Duration routeCooldown = r.has("cooldown") ? duration(r, "cooldown", null, at) : cooldown;
            routes.add(new Route(name, kind, url, min, routeCooldown, secret));
        }
        return new NotifyConfig(List.copyOf(routes), root.has("dashboard") ? substitute(root.get("dashboard").asText(),
                where, env).replaceAll("/+$", "") : null, cooldown,
                duration(root, "request-timeout", "10s", where), duration(root, "initial-backoff", "1s", where),
                duration(root, "max-backoff", "60s", where), duration(root, "context-wait", "5s", where));
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String at) {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException(at + ": unknown key '" + k + "' (known: " + String.join(", ",
                        known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String required(JsonNode r, String key, String at, Map<String, String> env) {
        JsonNode v = r.get(key);
        if (v == null || !v.isValueNode() || v.asText().isBlank()) {
            throw new IllegalArgumentException(at + ": '" + key + "' is required");
        }
        return substitute(v.asText().strip(), at, env);
    }

    static String substitute(String value, String at, Map<String, String> env) {
        Matcher m = ENV.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException(at + ": environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, or {@code 0}. */
    static Duration duration(JsonNode node, String key, String fallback, String at) {
        String text = node.has(key) ? node.get(key).asText().strip() : fallback;
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(text);
        if (!m.matches() || (m.group(2) == null && !m.group(1).equals("0"))) {
            throw new IllegalArgumentException(at + ": " + key + " must be a duration like 500ms, 30s, 10m, 2h or 0, got '"
                    + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
