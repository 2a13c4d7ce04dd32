package dev.modehop.notify;

import dev.modehop.events.Alert;
import dev.modehop.events.AttributedWindow;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything a message says about one alert, from the alert and (when known) its hop and verdict: the one
 * place both message formats take their facts from.
 */
record AlertSummary(Alert alert, String family, long hopStep, Long prevStep, String from, String to, String direction,
                    Double zScore, String verdict, Long verdictStep, List<AttributedWindow> windows, String link) {

    static AlertSummary of(Alert alert, HopContext.Entry context, String dashboardUrl) {
        ModeHop hop = context == null ? null : context.hop();
        HopStability verdict = context == null ? null : context.verdict();
        String[] fromId = seriesAndStep(alert);
        String family = hop != null ? hop.getSeries() : fromId == null ? null : fromId[0];
        long hopStep = hop != null ? hop.getStep() : fromId == null ? alert.getStep() : Long.parseLong(fromId[1]);
        String link = dashboardUrl == null ? null
                : dashboardUrl + "/#run=" + URLEncoder.encode(alert.getRunId(), StandardCharsets.UTF_8);
        return new AlertSummary(alert, family, hopStep, hop == null ? null : hop.getPrevStep(),
                hop == null || hop.getFrom() == null ? null : hop.getFrom().name(),
                hop == null || hop.getTo() == null ? null : hop.getTo().name(),
                hop == null ? null : hop.getDirection().name(), hop == null ? null : hop.getZScore(),
                verdict == null ? null : verdict.getVerdict().name(),
                verdict == null ? null : verdict.getDecidedAtStep(),
                hop == null ? List.of() : hop.getWindows(), link);
    }

    /**
     * Series and step from the hop id, {@code run/series/step/hop} (core Ids; the series may itself contain
     * '/'). The alert's own step is where its rule fired: the verdict's step for an alert on a verdict.
     */
    static String[] seriesAndStep(Alert alert) {
        String id = alert.getHopId();
        String prefix = alert.getRunId() + "/";
        if (!id.startsWith(prefix) || !id.endsWith("/hop")) {
            return null;
        }
        String middle = id.substring(prefix.length(), id.length() - "/hop".length());
        int slash = middle.lastIndexOf('/');
        if (slash <= 0 || !middle.substring(slash + 1).matches("\\d+")) {
            return null;
        }
        return new String[] {middle.substring(0, slash), middle.substring(slash + 1)};
    }

    /** GENERALIZING -> PARROT, or UP / DOWN for series without modes. */
    String move() {
        if (from != null || to != null) {
            return (from == null ? "?" : from) + " -> " + (to == null ? "?" : to);
        }
        return direction;
    }

    static String describe(AttributedWindow w) {
        Map<String, Double> mix = w.getMixture();
        return w.getWindowId() + " [" + w.getStartStep() + ", " + w.getEndStep() + ") "
                + mix.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
