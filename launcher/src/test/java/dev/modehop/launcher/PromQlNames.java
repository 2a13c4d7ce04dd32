package dev.modehop.launcher;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, aggregation operators, keywords,
 * label names (in {@code {...}}, {@code by (...)}, {@code without (...)}, {@code on (...)}, {@code ignoring (...)})
 * or durations ({@code [5m]}). Enough for the expressions a Grafana dashboard holds.
 */
final class PromQlNames {
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPINGS = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern STRINGS = Pattern.compile("\"[^\"]*\"");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless", "inf", "nan", "e");

    private PromQlNames() {
    }

    static Set<String> of(String expr) {
        String rest = STRINGS.matcher(expr).replaceAll(" ").replaceAll("\\$\\{?\\w+}?", " ");
        rest = LABEL_MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGES.matcher(rest).replaceAll(" ");
        rest = GROUPINGS.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            String id = m.group();
            boolean partOfNumber = m.start() > 0 && Character.isDigit(rest.charAt(m.start() - 1));
            int next = m.end();
            while (next < rest.length() && rest.charAt(next) == ' ') {
                next++;
            }
            boolean call = next < rest.length() && rest.charAt(next) == '(';
            if (!call && !partOfNumber && !KEYWORDS.contains(id.toLowerCase(java.util.Locale.ROOT))) {
                names.add(id);
            }
        }
        return names;
    }
}
