package dev.modehop.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.events.Alert;
import dev.modehop.events.Severity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Slack and webhook bodies and the signature, for an alert whose hop is not (yet) known. */
class MessagesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Alert alert() {
        return Alert.newBuilder().setId("run/a<b/lm-eval/sciq/3000/hop/any/detected").setRunId("run/a<b")
                .setRule("any").setSeverity(Severity.WARN).setMessage("lm-eval/sciq moved UP at step 3000")
                .setHopId("run/a<b/lm-eval/sciq/3000/hop").setStep(3000).build();
    }

    @Test
    void withoutItsHopAMessageStillNamesTheFamilyFromTheHopId() throws Exception {
        AlertSummary s = AlertSummary.of(alert(), null, "http://dash:8080");
        assertEquals("lm-eval/sciq", s.family());
        assertEquals("http://dash:8080/#run=run%2Fa%3Cb", s.link());
        JsonNode slack = JSON.readTree(SlackMessage.render(s));
        String text = slack.toString();
        assertTrue(text.contains("run/a&lt;b"), "mrkdwn escaped: " + text);
        assertTrue(text.contains("*Verdict*\\nPENDING"), text);
        assertEquals(List.of("header", "section", "section", "actions", "context"),
                slack.get("blocks").findValuesAsText("type").stream().filter(t -> !t.equals("plain_text")
                        && !t.equals("mrkdwn") && !t.equals("button")).toList());
        JsonNode hook = JSON.readTree(WebhookPayload.render(s));
        assertEquals("lm-eval/sciq", hook.get("family").asText());
        assertTrue(hook.get("from").isNull());
        assertEquals("PENDING", hook.get("verdict").asText());
        assertEquals(0, hook.get("windows").size());
    }

    @Test
    void aVerdictAlertWithoutItsHopTakesTheHopStepFromTheHopId() throws Exception {
        Alert onVerdict = Alert.newBuilder(alert()).setId("r/flipped/650/hop/parrot-stable/stable").setRunId("r")
                .setHopId("r/flipped/650/hop").setStep(750).build();
        AlertSummary s = AlertSummary.of(onVerdict, null, null);
        assertEquals("flipped", s.family());
        assertEquals(650, s.hopStep());
        JsonNode hook = JSON.readTree(WebhookPayload.render(s));
        assertEquals(650, hook.get("step").asLong());
        assertEquals(750, hook.get("alertStep").asLong());
        assertTrue(hook.get("dashboardUrl").isNull());
        assertTrue(SlackMessage.render(s).contains("*Step*\\n650"));
    }

    @Test
    void theSignatureIsHmacSha256OfTimestampDotBody() {
        // Reference value from Python: hmac.new(b"key", b'1700000000.{"id":"a"}', hashlib.sha256).hexdigest()
        assertEquals("sha256=fad30145c01573f08f1afb0c980e06ad3ec016de1aec117fea804b6e6b4eed38",
                WebhookPayload.signature("key", 1700000000L, "{\"id\":\"a\"}"));
    }

    @Test
    void retryAfterInSecondsOrAsADateElseBackoff() throws Exception {
        NotifyConfig cfg = NotifyConfigTest.parse("""
                initial-backoff: 200ms
                max-backoff: 1s
                routes:
                  - {name: a, type: webhook, url: https://x}
                """, java.util.Map.of());
        HttpDelivery d = new HttpDelivery(cfg);
        assertEquals(Duration.ofSeconds(7), d.retryAfter("7", 1));
        long fromDate = d.retryAfter(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(30)), 1).toSeconds();
        assertTrue(fromDate >= 28 && fromDate <= 30, "date form: " + fromDate);
        for (int attempt = 1; attempt < 10; attempt++) {
            long ms = d.retryAfter(null, attempt).toMillis();
            long base = Math.min(200L << (attempt - 1), 1000);
            assertTrue(ms >= base * 0.8 && ms <= base * 1.2, attempt + ": " + ms);
        }
    }
}
