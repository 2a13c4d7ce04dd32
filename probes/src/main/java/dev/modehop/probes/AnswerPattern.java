package dev.modehop.probes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An expected-answer regex written in Python {@code re} syntax (GDsuite's), matched case-insensitively anywhere in a
 * completion, as {@code re.search(pattern, text, re.IGNORECASE)} would. Java's {@link Pattern} agrees with Python on
 * most syntax; where they differ the pattern is rewritten:
 * <ul>
 * <li>{@code \d \w \s \b} and case folding are Unicode-aware for Python str patterns: compiled with
 *     {@code UNICODE_CHARACTER_CLASS} and {@code UNICODE_CASE};</li>
 * <li>named groups {@code (?P<name>...)} and {@code (?P=name)} become {@code (?<gN>...)} and {@code \k<gN>}
 *     (Java names allow no underscores);</li>
 * <li>{@code \Z} (Python: end of text) becomes {@code \z}; {@code \v} (Python: vertical tab only) becomes
 *     {@code \x0B}; {@code \U0001F600} becomes {@code \x{1F600}}; {@code \0} and {@code \0oo} become the octal
 *     character; {@code [\b]} (backspace) becomes {@code \x08};</li>
 * <li>a {@code {} that does not open a quantifier is literal in Python and escaped here; {@code {,n}} becomes
 *     {@code {0,n}};</li>
 * <li>inside a character class, {@code [} and {@code &} are literal in Python (Java reads unions and
 *     {@code &&} intersections) and escaped here, as is a {@code ]} right after the opening {@code [} or {@code [^};</li>
 * <li>comments {@code (?#...)} are dropped; the inline flag {@code u} (Python's default) is dropped.</li>
 * </ul>
 * Refused, with the pattern named: conditionals {@code (?(1)a|b)}, the inline flags {@code a} and {@code L}, escapes
 * that Python rejects ({@code \p}, {@code \h}, {@code \R}, {@code \Q}, ... any ASCII letter it does not know), and
 * anything Java then fails to compile.
 */
public final class AnswerPattern {
    private static final Pattern QUANTIFIER = Pattern.compile("\\{(\\d*)(,(\\d*))?}");
    private static final String PYTHON_LETTER_ESCAPES = "abfnrtvxuUNdDsSwWAZbB";

    private final String python;
    private final Pattern pattern;

    private AnswerPattern(String python, Pattern pattern) {
        this.python = python;
        this.pattern = pattern;
    }

    /** @throws IllegalArgumentException naming the pattern, when it cannot be translated or does not compile */
    public static AnswerPattern compile(String python) {
        try {
            String java = translate(python);
            return new AnswerPattern(python, Pattern.compile(java,
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("expected-answer regex '" + python + "' is invalid: "
                    + e.getDescription(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected-answer regex '" + python + "' cannot be used: "
                    + e.getMessage(), e);
        }
    }

    /** Whether the pattern occurs anywhere in {@code completion}, ignoring case. */
    public boolean matches(String completion) {
        return pattern.matcher(completion).find();
    }

    /** The fraction of completion texts the pattern matches (0 for none). */
    public double matchRate(List<String> completions) {
        if (completions.isEmpty()) {
            return 0;
        }
        return completions.stream().filter(this::matches).count() / (double) completions.size();
    }

    public String python() {
        return python;
    }

    /** The Java pattern it was translated to. */
    public String java() {
        return pattern.pattern();
    }

    static String translate(String p) {
        StringBuilder out = new StringBuilder(p.length() + 8);
        Map<String, String> names = new HashMap<>();
        boolean inClass = false;
        int classStart = -1;
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (i + 1 >= p.length()) {
                    throw new IllegalArgumentException("it ends with a lone backslash");
                }
                i = escape(p, i + 1, inClass, out);
                continue;
            }
            if (inClass) {
                if (c == ']' && i != classStart) {
                    inClass = false;
                    out.append(c);
                } else if (c == '[' || c == '&' || c == ']') {
                    out.append('\\').append(c);
                } else {
                    out.append(c);
                }
                i++;
                continue;
            }
            if (c == '[') {
                inClass = true;
                out.append(c);
                i++;
                if (i < p.length() && p.charAt(i) == '^') {
                    out.append('^');
                    i++;
                }
                classStart = i;
                continue;
            }
            if (c == '{') {
                Matcher q = QUANTIFIER.matcher(p).region(i, p.length());
                if (q.lookingAt() && (!q.group(1).isEmpty() || q.group(2) != null)) {
                    out.append('{').append(q.group(1).isEmpty() ? "0" : q.group(1));
                    if (q.group(2) != null) {
                        out.append(',').append(q.group(3));
                    }
                    out.append('}');
                    i = q.end();
                } else {
                    out.append("\\{");
                    i++;
                }
                continue;
            }
            if (c == '(' && p.startsWith("(?", i)) {
                i = group(p, i, names, out);
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** Translates the escape whose letter is at {@code i}; returns the index after it. */
    private static int escape(String p, int i, boolean inClass, StringBuilder out) {
        char e = p.charAt(i);
        if (e == '0') {
            int end = i + 1;
            while (end < p.length() && end < i + 3 && p.charAt(end) >= '0' && p.charAt(end) <= '7') {
                end++;
            }
            out.append("\\x{").append(Integer.toHexString(Integer.parseInt(p.substring(i, end), 8))).append('}');
            return end;
        }
        if (e < 128 && Character.isLetter(e) && PYTHON_LETTER_ESCAPES.indexOf(e) < 0) {
            throw new IllegalArgumentException("bad escape \\" + e + " (Python rejects it)");
        }
        switch (e) {
            case 'Z' -> out.append("\\z");
            case 'v' -> out.append("\\x0B");
            case 'b' -> out.append(inClass ? "\\x08" : "\\b");
            case 'U' -> {
                if (i + 9 > p.length() || !p.substring(i + 1, i + 9).matches("[0-9a-fA-F]{8}")) {
                    throw new IllegalArgumentException("\\U needs eight hex digits");
                }
                out.append("\\x{").append(p, i + 1, i + 9).append('}');
                return i + 9;
            }
            default -> out.append('\\').append(e);
        }
        return i + 1;
    }

    /** Translates the {@code (?...} construct starting at {@code i}; returns the index after its opening part. */
    private static int group(String p, int i, Map<String, String> names, StringBuilder out) {
        int j = i + 2;
        if (p.startsWith("P<", j)) {
            int close = p.indexOf('>', j);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated group name");
            }
            String name = p.substring(j + 2, close);
            String mapped = "g" + (names.size() + 1);
            names.put(name, mapped);
            out.append("(?<").append(mapped).append('>');
            return close + 1;
        }
        if (p.startsWith("P=", j)) {
            int close = p.indexOf(')', j);
            String name = close < 0 ? null : names.get(p.substring(j + 2, close));
            if (name == null) {
                throw new IllegalArgumentException("backreference to an unknown group");
            }
            out.append("\\k<").append(name).append('>');
            return close + 1;
        }
        if (p.startsWith("#", j)) {
            int close = p.indexOf(')', j);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated comment");
            }
            return close + 1;
        }
        if (p.startsWith("(", j)) {
            throw new IllegalArgumentException("conditional groups (?(...)...) have no Java equivalent");
        }
        int k = j;
        while (k < p.length() && "aiLmsux-".indexOf(p.charAt(k)) >= 0) {
            k++;
        }
        if (k > j && k < p.length() && (p.charAt(k) == ')' || p.charAt(k) == ':')) {
            String flags = p.substring(j, k);
            if (flags.indexOf('a') >= 0 || flags.indexOf('L') >= 0) {
                throw new IllegalArgumentException("inline flags a and L have no Java equivalent");
            }
            flags = flags.replace("u", "");
            if (flags.isEmpty() || flags.equals("-")) {
                if (p.charAt(k) == ')') {
                    return k + 1;
                }
                out.append("(?:");
                return k + 1;
            }
            out.append("(?").append(flags).append(p.charAt(k));
            return k + 1;
        }
        out.append("(?");
        return j;
    }
}
