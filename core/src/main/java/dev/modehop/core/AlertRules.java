package dev.modehop.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Declarative rules that turn hops and verdicts into alerts and control commands. One rule per line:
 * <pre>
 * # comment
 * NAME: when SERIES|* hops to GENERALIZING|MIXED|PARROT|UP|DOWN|* [and is STABLE|TRANSIENT] then ACTION[, ACTION...]
 * </pre>
 * Actions: {@code alert INFO|WARN|CRITICAL}, {@code pause}, {@code resume},
 * {@code adjust-mixture SOURCE=WEIGHT [SOURCE=WEIGHT ...]}, {@code averaging-test [N]} (verdict rules only: ask
 * the scorers to average the N checkpoints centred on the hop, their default when N is left out, and to score
 * the average; see {@link AveragingOutcome}; a rule whose only action it is raises no alert unless it names
 * one; every other rule alerts, INFO by default). A rule without "and is" fires when the hop is
 * detected; with it, when the verdict is decided. Example:
 * <pre>
 * steer-back: when flipped hops to PARROT and is STABLE then alert WARN, adjust-mixture icl=0.9 iwl=0.1
 * </pre>
 */
public final class AlertRules {
    private static final Pattern RULE = Pattern.compile(
            "([A-Za-z0-9_.-]+)\\s*:\\s*when\\s+(\\S+)\\s+hops\\s+to\\s+(\\S+)(?:\\s+and\\s+is\\s+(\\S+))?\\s+then\\s+(.+)",
            Pattern.CASE_INSENSITIVE);

    private final List<Rule> rules;

    private AlertRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static AlertRules none() {
        return new AlertRules(List.of());
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * One parsed rule. {@code verdict} is PENDING for rules that fire at detection. {@code averagingCheckpoints}
     * is -1 without an averaging test, 0 for the scorers' default window, else the window's size.
     */
    public record Rule(String name, String series, String target, Verdict verdict, Severity severity,
                       List<Action> actions, int averagingCheckpoints) {
        boolean matches(String hopSeries, Mode to, Direction direction, Verdict trigger) {
            if (trigger != verdict) {
                return false;
            }
            if (!series.equals("*") && !series.equals(hopSeries)) {
                return false;
            }
            return switch (target) {
                case "*" -> true;
                case "UP" -> direction == Direction.UP;
                case "DOWN" -> direction == Direction.DOWN;
                default -> to != null && to.name().equals(target);
            };
        }
    }

    public record Action(ControlAction control, Map<String, Double> mixture) {
    }

    /** What rules know about the hop that triggers them. */
    public record Trigger(String runId, String hopId, String series, Mode from, Mode to, Direction direction,
                          long hopStep, long step, Verdict verdict) {
    }

    public static AlertRules load(Path file) throws IOException {
        try {
            return parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static AlertRules parse(String text) {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                rules.add(parseRule(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new AlertRules(rules);
    }

    private static Rule parseRule(String line) {
        Matcher m = RULE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected 'NAME: when SERIES hops to MODE [and is VERDICT] then ACTIONS', got '"
                    + line + "'");
        }
        String target = m.group(3).toUpperCase(Locale.ROOT);
        if (!List.of("*", "UP", "DOWN", "GENERALIZING", "MIXED", "PARROT").contains(target)) {
            throw new IllegalArgumentException("unknown target '" + m.group(3)
                    + "' (GENERALIZING, MIXED, PARROT, UP, DOWN or *)");
        }
        Verdict verdict = Verdict.PENDING;
        if (m.group(4) != null) {
            String v = m.group(4).toUpperCase(Locale.ROOT);
            if (!v.equals("STABLE") && !v.equals("TRANSIENT")) {
                throw new IllegalArgumentException("unknown verdict '" + m.group(4) + "' (STABLE or TRANSIENT)");
            }
            verdict = Verdict.valueOf(v);
        }
        Severity severity = null;
        List<Action> actions = new ArrayList<>();
        int averaging = -1;
        for (String raw : m.group(5).split(",")) {
            String[] words = raw.strip().split("\\s+");
            switch (words[0].toLowerCase(Locale.ROOT)) {
                case "alert" -> {
                    if (words.length != 2) {
                        throw new IllegalArgumentException("'alert' takes one severity (INFO, WARN, CRITICAL)");
                    }
                    try {
                        severity = Severity.valueOf(words[1].toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown severity '" + words[1] + "' (INFO, WARN, CRITICAL)");
                    }
                }
                case "pause" -> actions.add(new Action(ControlAction.PAUSE, Map.of()));
                case "resume" -> actions.add(new Action(ControlAction.RESUME, Map.of()));
                case "adjust-mixture" -> actions.add(new Action(ControlAction.ADJUST_MIXTURE, mixture(words)));
                case "averaging-test" -> averaging = averagingCheckpoints(words, verdict);
                default -> throw new IllegalArgumentException("unknown action '" + words[0]
                        + "' (alert, pause, resume, adjust-mixture, averaging-test)");
            }
        }
        if (severity == null && (averaging < 0 || !actions.isEmpty())) {
            // a rule that only asks for the averaging test raises no alert unless it says so
            severity = Severity.INFO;
        }
        return new Rule(m.group(1), m.group(2), target, verdict, severity, actions, averaging);
    }

    private static int averagingCheckpoints(String[] words, Verdict verdict) {
        if (verdict == Verdict.PENDING) {
            // the window is centred on the hop: its later half exists only once the hop is judged
            throw new IllegalArgumentException("'averaging-test' needs a verdict rule ('and is STABLE' or 'and is TRANSIENT')");
        }
        if (words.length == 1) {
            return 0;
        }
        int n;
        try {
            n = words.length == 2 ? Integer.parseInt(words[1]) : -1;
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 2 || n > AveragingOutcome.MAX_CHECKPOINTS) {
            throw new IllegalArgumentException("'averaging-test' takes at most one checkpoint count, 2 to "
                    + AveragingOutcome.MAX_CHECKPOINTS + " (default: the scorers')");
        }
        return n;
    }

    private static Map<String, Double> mixture(String[] words) {
        if (words.length < 2) {
            throw new IllegalArgumentException("'adjust-mixture' needs SOURCE=WEIGHT pairs");
        }
        Map<String, Double> mixture = new LinkedHashMap<>();
        for (int i = 1; i < words.length; i++) {
            String[] kv = words[i].split("=", 2);
            if (kv.length != 2 || kv[0].isEmpty()) {
                throw new IllegalArgumentException("expected SOURCE=WEIGHT, got '" + words[i] + "'");
            }
            double w;
            try {
                w = Double.parseDouble(kv[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weight of '" + kv[0] + "' is not a number: '" + kv[1] + "'");
            }
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("weight of '" + kv[0] + "' must be >= 0, got " + kv[1]);
            }
            mixture.put(kv[0], w);
        }
        return mixture;
    }

    /** Alerts, control commands and averaging requests of every rule that matches. */
    public List<Output> fire(Trigger t) {
        List<Output> out = new ArrayList<>();
        for (Rule r : rules) {
            if (!r.matches(t.series(), t.to(), t.direction(), t.verdict())) {
                continue;
            }
            String alertId = Ids.alert(t.hopId(), r.name(), t.verdict());
            String what = t.series() + " hopped " + (t.from() == null ? t.direction().name().toLowerCase(Locale.ROOT)
                    : t.from() + " -> " + t.to()) + " at step " + t.hopStep()
                    + (t.verdict() == Verdict.PENDING ? "" : ", judged " + t.verdict() + " at step " + t.step());
            if (r.severity() != null) {
                out.add(new Output.Alert(alertId, t.runId(), r.name(), r.severity(), what, t.hopId(), t.step()));
            }
            int index = 0;
            for (Action a : r.actions()) {
                out.add(new Output.ControlCommand(Ids.control(alertId, index++), t.runId(), a.control(), a.mixture(),
                        "rule " + r.name() + ": " + what, "modehop", t.step()));
            }
            if (r.averagingCheckpoints() >= 0) {
                out.add(new Output.AveragingRequest(Ids.averagingRequest(t.hopId(), r.name()), t.runId(), t.series(),
                        t.hopStep(), r.averagingCheckpoints(), t.verdict(), "rule " + r.name()));
            }
        }
        return out;
    }
}
