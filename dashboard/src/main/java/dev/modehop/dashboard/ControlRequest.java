package dev.modehop.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modehop.events.ControlAction;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A control action as the page sends it: {@code {"action":"PAUSE|RESUME|ADJUST_MIXTURE", "issuedBy":"alice",
 * "reason":"...", "mixture":{"source":weight}}}. The caller's name may also come in the {@code X-Modehop-User}
 * header.
 */
record ControlRequest(ControlAction action, String issuedBy, String reason, Map<String, Double> mixture) {
    private static final int MAX_TEXT = 200;
    private static final int MAX_SOURCES = 64;

    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    static ControlRequest parse(JsonNode body, String userHeader) throws Invalid {
        if (body == null || !body.isObject()) {
            throw new Invalid("body must be a JSON object");
        }
        ControlAction action;
        try {
            action = ControlAction.valueOf(body.path("action").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Invalid("action must be one of PAUSE, RESUME, ADJUST_MIXTURE");
        }
        String who = text(body.path("issuedBy").asText(""));
        if (who.isEmpty() && userHeader != null) {
            who = text(userHeader);
        }
        if (who.isEmpty()) {
            throw new Invalid("issuedBy (your name) is required");
        }
        Map<String, Double> mixture = new TreeMap<>();
        JsonNode m = body.path("mixture");
        if (!m.isMissingNode() && !m.isNull()) {
            if (!m.isObject() || m.size() > MAX_SOURCES) {
                throw new Invalid("mixture must be an object of at most " + MAX_SOURCES + " source -> weight");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                double w = e.getValue().asDouble(Double.NaN);
                if (!e.getValue().isNumber() || !Double.isFinite(w) || w < 0) {
                    throw new Invalid("mixture weight of '" + e.getKey() + "' must be a number >= 0");
                }
                mixture.put(text(e.getKey()), w);
            }
        }
        if (action == ControlAction.ADJUST_MIXTURE && mixture.isEmpty()) {
            throw new Invalid("ADJUST_MIXTURE needs a mixture");
        }
        if (action != ControlAction.ADJUST_MIXTURE && !mixture.isEmpty()) {
            throw new Invalid(action + " takes no mixture");
        }
        return new ControlRequest(action, who, text(body.path("reason").asText("")), mixture);
    }

    /** Trimmed, bounded, and free of control characters, since it ends up in logs and on every page. */
    private static String text(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", " ").trim();
        return clean.length() > MAX_TEXT ? clean.substring(0, MAX_TEXT) : clean;
    }
}
