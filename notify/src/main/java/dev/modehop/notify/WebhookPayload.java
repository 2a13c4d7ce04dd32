package dev.modehop.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.events.AttributedWindow;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The generic webhook's JSON body (documented in notify/README.md, {@code "version": 1}) and its
 * signature: {@code X-Modehop-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">} with the
 * timestamp in {@code X-Modehop-Timestamp}, so a receiver can reject forged and replayed requests.
 */
final class WebhookPayload {
    static final String SIGNATURE_HEADER = "X-Modehop-Signature";
    static final String TIMESTAMP_HEADER = "X-Modehop-Timestamp";
    static final String ALERT_ID_HEADER = "X-Modehop-Alert-Id";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookPayload() {
    }

    static String render(AlertSummary s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", 1);
        o.put("id", s.alert().getId());
        o.put("runId", s.alert().getRunId());
        o.put("rule", s.alert().getRule());
        o.put("severity", s.alert().getSeverity().name());
        o.put("message", s.alert().getMessage());
        o.put("hopId", s.alert().getHopId());
        o.put("family", s.family());
        o.put("step", s.hopStep());
        o.put("alertStep", s.alert().getStep());
        if (s.prevStep() == null) {
            o.putNull("prevStep");
        } else {
            o.put("prevStep", s.prevStep());
        }
        o.put("from", s.from());
        o.put("to", s.to());
        o.put("direction", s.direction());
        if (s.zScore() == null) {
            o.putNull("zScore");
        } else {
            o.put("zScore", s.zScore());
        }
        o.put("verdict", s.verdict() == null ? "PENDING" : s.verdict());
        if (s.verdictStep() == null) {
            o.putNull("verdictStep");
        } else {
            o.put("verdictStep", s.verdictStep());
        }
        ArrayNode windows = o.putArray("windows");
        for (AttributedWindow w : s.windows()) {
            ObjectNode wn = windows.addObject().put("windowId", w.getWindowId()).put("startStep", w.getStartStep())
                    .put("endStep", w.getEndStep());
            ObjectNode mix = wn.putObject("mixture");
            w.getMixture().forEach(mix::put);
        }
        o.put("dashboardUrl", s.link());
        return o.toString();
    }

    static String signature(String secret, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
