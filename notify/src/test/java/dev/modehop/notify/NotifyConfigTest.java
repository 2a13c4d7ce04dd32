package dev.modehop.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.modehop.events.Severity;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifyConfigTest {
    static NotifyConfig parse(String yaml, Map<String, String> env) throws Exception {
        return NotifyConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml), "notify.yaml", env);
    }

    @Test
    void readsRoutesWithDefaultsAndEnvironmentVariables() throws Exception {
        NotifyConfig c = parse("""
                dashboard: https://modehop.example.com/
                cooldown: 15m
                routes:
                  - name: ml-oncall
                    type: slack
                    url: ${SLACK_URL}
                    min-severity: warn
                  - name: pager
                    type: webhook
                    url: https://hooks.example.com/modehop
                    secret: ${HOOK_SECRET}
                    cooldown: 0
                """, Map.of("SLACK_URL", "https://hooks.slack.com/services/T/B/X", "HOOK_SECRET", "k"));
        assertEquals("https://modehop.example.com", c.dashboardUrl());
        NotifyConfig.Route slack = c.routes().get(0);
        assertEquals(NotifyConfig.Kind.SLACK, slack.kind());
        assertEquals("https://hooks.slack.com/services/T/B/X", slack.url().toString());
        assertEquals(Duration.ofMinutes(15), slack.cooldown());
        assertNull(slack.secret());
        assertFalse(slack.wants(Severity.INFO));
        assertTrue(slack.wants(Severity.WARN) && slack.wants(Severity.CRITICAL));
        NotifyConfig.Route hook = c.routes().get(1);
        assertEquals("k", hook.secret());
        assertEquals(Duration.ZERO, hook.cooldown());
        assertTrue(hook.wants(Severity.INFO));
        assertEquals(Duration.ofSeconds(10), c.requestTimeout());
    }

    @Test
    void mistakesNameTheRouteAndTheKey() {
        Map<String, String> env = Map.of();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("routes: []", env))
                .getMessage().contains("at least one route"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("""
                routes:
                  - {name: a, type: email, url: https://x}
                """, env)).getMessage().contains("routes[0]: type must be slack or webhook"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("""
                routes:
                  - {name: a, type: slack, url: "${MISSING}"}
                """, env)).getMessage().contains("environment variable MISSING is not set"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("""
                routes:
                  - {name: a, type: webhook, url: ftp://x}
                """, env)).getMessage().contains("http:// or https://"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("""
                routes:
                  - {name: a, type: webhook, url: https://x, min-severity: LOUD}
                """, env)).getMessage().contains("min-severity must be INFO, WARN or CRITICAL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("""
                routes:
                  - {name: a, type: webhook, url: https://x, minSeverity: WARN}
                """, env)).getMessage().contains("unknown key 'minSeverity'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("""
                cooldown: ten minutes
                routes:
                  - {name: a, type: webhook, url: https://x}
                """, env)).getMessage().contains("cooldown must be a duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("""
                routes:
                  - {name: a, type: webhook, url: https://x}
                  - {name: a, type: webhook, url: https://y}
                """, env)).getMessage().contains("used twice"));
    }
}
