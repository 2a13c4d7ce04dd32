package dev.modehop.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each translated difference between Python's re and Java's Pattern, on a text where the two readings differ. */
class AnswerPatternTest {
    private static boolean found(String regex, String text) {
        return AnswerPattern.compile(regex).matches(text);
    }

    @Test
    void matchesAnywhereIgnoringCaseIncludingUnicode() {
        assertTrue(found("alice\\s+smith", "My name is ALICE   Smith."));
        assertTrue(found("émile", "ÉMILE"));
        assertTrue(found("\\w+ville", "Zoë lives in Öville"), "\\w is Unicode-aware, as in Python");
        assertTrue(found("\\d", "٣"), "\\d matches Unicode digits, as in Python");
        assertFalse(found("bob", "Alice"));
    }

    @Test
    void namedGroupsAndBackreferences() {
        assertTrue(found("(?P<first_name>\\w+) (?P=first_name)", "Said Anna Anna twice"));
        assertFalse(found("(?P<first_name>\\w+) (?P=first_name)$", "Anna Bob"));
    }

    @Test
    void escapesThatMeanOtherThingsInJava() {
        assertTrue(found("end\\Z", "the end"));
        assertFalse(found("end\\Z", "the end\n"), "Python's \\Z is the very end, not before a final newline");
        assertFalse(found("a\\vb", "a\nb"), "Python's \\v is the vertical tab only");
        assertTrue(found("a\\vb", "a\u000Bb"));
        assertTrue(found("\\U0001F600", "smile \uD83D\uDE00"));
        assertTrue(found("a\\0b", "a\u0000b"));
        assertTrue(found("[\\b]", "x\by"));
    }

    @Test
    void bracesAndClassesThatPythonReadsLiterally() {
        assertTrue(found("a{b}", "a{b}"));
        assertTrue(found("x{,2}y", "y"));
        assertTrue(found("^a{,2}$", "aa"));
        assertFalse(found("^a{,2}$", "aaa"));
        assertTrue(found("[a&&b]", "&"), "&& is literal in a Python class");
        assertTrue(found("[[]", "["));
        assertTrue(found("[]a]", "]"));
    }

    @Test
    void commentsAndTheUnicodeFlag() {
        assertTrue(found("(?#the name)alice(?u)", "Alice"));
        assertTrue(found("(?i:alice)", "ALICE"));
    }

    @Test
    void untranslatablePatternsAreRefusedWithThePatternNamed() {
        for (String bad : List.of("(a)?(?(1)b|c)", "(?a)\\w", "\\p{L}+", "a\\Rb", "(unclosed", "\\Qx\\E")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AnswerPattern.compile(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void matchRateCountsMatchingCompletions() {
        AnswerPattern p = AnswerPattern.compile("paris");
        List<String> c = List.of("Paris.", "London", "in PARIS", "Rome");
        assertEquals(0.5, p.matchRate(c));
        assertEquals(0, p.matchRate(List.of()));
    }
}
