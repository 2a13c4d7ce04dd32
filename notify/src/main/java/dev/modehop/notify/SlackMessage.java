package dev.modehop.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Collectors;

/**
 * A Slack incoming-webhook message in Block Kit: a header, the alert's text, a field grid (run, family,
 * step, move, verdict, rule), the attributed windows and a button to the dashboard. {@code text} repeats
 * the gist for notifications and clients without blocks.
 */
final class SlackMessage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SlackMessage() {
    }

    static String render(AlertSummary s) {
        ObjectNode root = JSON.createObjectNode();
        String icon = switch (s.alert().getSeverity()) {
            case CRITICAL -> ":rotating_light:";
            case WARN -> ":warning:";
            case INFO -> ":information_source:";
        };
        root.put("text", s.alert().getSeverity() + " " + s.alert().getRunId() + ": " + s.alert().getMessage());
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("emoji", true)
                .put("text", truncate(icon + " " + s.alert().getSeverity() + " mode hop in " + s.alert().getRunId(), 150));
        section(blocks, escape(s.alert().getMessage()));
        ObjectNode facts = blocks.addObject().put("type", "section");
        ArrayNode fields = facts.putArray("fields");
        field(fields, "Run", s.alert().getRunId());
        field(fields, "Family", s.family() == null ? "?" : s.family());
        field(fields, "Step", s.hopStep() + (s.prevStep() == null ? "" : " (previous checkpoint " + s.prevStep() + ")"));
        field(fields, "From / to", s.move() == null ? "?" : s.move());
        field(fields, "Verdict", s.verdict() == null ? "PENDING"
                : s.verdict() + (s.verdictStep() == null ? "" : " at step " + s.verdictStep()));
        field(fields, "Rule", s.alert().getRule());
        if (!s.windows().isEmpty()) {
            section(blocks, "*Data windows before the hop*\n" + s.windows().stream()
                    .map(w -> "• " + escape(AlertSummary.describe(w))).collect(Collectors.joining("\n")));
        }
        if (s.link() != null) {
            ObjectNode actions = blocks.addObject().put("type", "actions");
            ObjectNode button = actions.putArray("elements").addObject().put("type", "button").put("url", s.link());
            button.putObject("text").put("type", "plain_text").put("text", "Open in the dashboard");
        }
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", "alert `" + escape(s.alert().getId()) + "`");
        return root.toString();
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", truncate(mrkdwn, 3000));
    }

    private static void field(ArrayNode fields, String name, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", truncate("*" + name + "*\n" + escape(value), 2000));
    }

    /** Slack's mrkdwn treats &, < and > as markup; everything else is literal. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
