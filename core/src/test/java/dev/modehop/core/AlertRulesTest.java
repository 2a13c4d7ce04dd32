package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AlertRulesTest {
    @Test
    void parsesRulesAndSkipsComments() {
        AlertRules rules = AlertRules.parse("""
                # steer the toy run back
                a: when flipped hops to PARROT and is STABLE then alert CRITICAL, adjust-mixture icl=0.9 iwl=0.1
                b: when * hops to UP then pause

                """);
        assertEquals(2, rules.rules().size());
        AlertRules.Rule a = rules.rules().get(0);
        assertEquals(Verdict.STABLE, a.verdict());
        assertEquals(Severity.CRITICAL, a.severity());
        assertEquals(ControlAction.ADJUST_MIXTURE, a.actions().get(0).control());
        assertEquals(Verdict.PENDING, rules.rules().get(1).verdict());
    }

    @Test
    void errorsNameTheLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> AlertRules.parse("""
                ok: when * hops to PARROT then alert WARN
                bad: when * hops to SIDEWAYS then alert WARN
                """));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        var w = assertThrows(IllegalArgumentException.class,
                () -> AlertRules.parse("x: when * hops to * then adjust-mixture icl=lots"));
        assertTrue(w.getMessage().contains("not a number"), w.getMessage());
    }

    @Test
    void firesOnlyMatchingRulesWithDeterministicIds() {
        AlertRules rules = AlertRules.parse("p: when flipped hops to PARROT then alert WARN, pause");
        var trigger = new AlertRules.Trigger("r", "r/flipped/100/hop", "flipped", Mode.GENERALIZING, Mode.PARROT,
                Direction.DOWN, 100, 100, Verdict.PENDING);
        var out = rules.fire(trigger);
        assertEquals(2, out.size());
        assertEquals("r/flipped/100/hop/p/pending", ((Output.Alert) out.get(0)).id());
        assertEquals("r/flipped/100/hop/p/pending/control/0", ((Output.ControlCommand) out.get(1)).id());
        var other = new AlertRules.Trigger("r", "h", "repetitive", Mode.GENERALIZING, Mode.PARROT, Direction.DOWN,
                100, 100, Verdict.PENDING);
        assertEquals(0, rules.fire(other).size());
    }

    @Test
    void mixedIsATarget() {
        AlertRules rules = AlertRules.parse("m: when flipped hops to mixed then alert INFO");
        var toMixed = new AlertRules.Trigger("r", "h", "flipped", Mode.GENERALIZING, Mode.MIXED, Direction.DOWN,
                100, 100, Verdict.PENDING);
        var toParrot = new AlertRules.Trigger("r", "h", "flipped", Mode.GENERALIZING, Mode.PARROT, Direction.DOWN,
                100, 100, Verdict.PENDING);
        assertEquals(1, rules.fire(toMixed).size());
        assertEquals(0, rules.fire(toParrot).size());
    }
}
