package dev.modehop.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A run's current state, {@code GET /api/runs/{id}/current}, in one shape whichever way it was learnt:
 * {@code {runId, source, lastStep, currentModes[{series, step, mode}], hops[{id, series, step, from, to,
 * stability}], best{step, score} | null}}. {@code source} says where it came from: {@code streams} (the
 * Streams job's own state, asked through its interactive queries; then {@code servedBy} names the instance
 * that holds the run) or {@code topics} (the dashboard's view folded from the output topics).
 */
final class CurrentState {
    private CurrentState() {
    }

    /** From the Streams job's summary of the run ({@code RunSummary} as its query server writes it). */
    static ObjectNode fromStreams(JsonNode summary) {
        ObjectNode o = HttpResponses.JSON.createObjectNode();
        o.put("runId", summary.path("runId").asText());
        o.put("source", "streams");
        o.put("servedBy", summary.path("servedBy").asText(null));
        o.put("lastStep", summary.path("lastProcessedStep").asLong());
        ArrayNode modes = o.putArray("currentModes");
        for (JsonNode m : summary.path("currentModes")) {
            modes.addObject().put("series", m.path("series").asText()).put("step", m.path("step").asLong())
                    .put("mode", m.path("mode").asText(null));
        }
        ArrayNode hops = o.putArray("hops");
        for (JsonNode h : summary.path("hops")) {
            JsonNode hop = h.path("hop");
            hops.addObject().put("id", hop.path("id").asText()).put("series", hop.path("series").asText())
                    .put("step", hop.path("step").asLong()).put("from", hop.path("from").asText(null))
                    .put("to", hop.path("to").asText(null)).put("stability", h.path("verdict").asText(null));
        }
        long bestStep = summary.path("bestStep").asLong(-1);
        if (bestStep >= 0 && summary.path("bestScore").isNumber()) {
            o.putObject("best").put("step", bestStep).put("score", summary.path("bestScore").asDouble());
        } else {
            o.putNull("best");
        }
        return o;
    }

    /** From the dashboard's own view of the run ({@link RunViews#runJson}). */
    static ObjectNode fromView(JsonNode run) {
        ObjectNode o = HttpResponses.JSON.createObjectNode();
        o.put("runId", run.path("runId").asText());
        o.put("source", "topics");
        o.put("lastStep", run.path("lastStep").asLong());
        ArrayNode modes = o.putArray("currentModes");
        for (JsonNode s : run.path("series")) {
            JsonNode latest = null;
            for (JsonNode p : s.path("points")) {
                if (p.hasNonNull("mode")) {
                    latest = p;
                }
            }
            if (latest != null) {
                modes.addObject().put("series", s.path("name").asText()).put("step", latest.path("step").asLong())
                        .put("mode", latest.path("mode").asText());
            }
        }
        ArrayNode hops = o.putArray("hops");
        for (JsonNode h : run.path("hops")) {
            hops.addObject().put("id", h.path("id").asText()).put("series", h.path("series").asText())
                    .put("step", h.path("step").asLong()).put("from", h.path("from").asText(null))
                    .put("to", h.path("to").asText(null)).put("stability", h.path("stability").asText(null));
        }
        JsonNode board = run.path("leaderboard");
        if (board.has("bestStep")) {
            o.putObject("best").put("step", board.path("bestStep").asLong()).put("score", board.path("bestScore").asDouble());
        } else {
            o.putNull("best");
        }
        return o;
    }
}
