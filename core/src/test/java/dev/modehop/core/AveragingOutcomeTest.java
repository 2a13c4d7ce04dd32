package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AveragingOutcomeTest {
    private final ModeClassifier classifier = new ModeClassifier(MonitorConfig.defaults());

    @Test
    void theAverageIsReadAgainstBothSidesOfTheHop() {
        assertEquals(AveragingOutcome.REMOVED, fam(0.95, 0.05, 0.90).outcome());
        assertEquals(AveragingOutcome.KEPT, fam(0.95, 0.05, 0.10).outcome());
        assertEquals(AveragingOutcome.BETWEEN, fam(0.95, 0.05, 0.50).outcome());
        assertEquals(AveragingOutcome.NO_HOP, fam(0.95, 0.93, 0.10).outcome());
        // 20 items cannot call 0.55 MIXED (too little evidence): the average is in neither mode
        var thin = AveragingOutcome.Family.classify(classifier, "f", 0.95, 0.05, 0.55, 20);
        assertEquals(Mode.UNDECIDED, thin.averageMode());
        assertEquals(AveragingOutcome.BETWEEN, thin.outcome());
    }

    private AveragingOutcome.Family fam(double old, double neu, double avg) {
        return AveragingOutcome.Family.classify(classifier, "flipped", old, neu, avg, 512);
    }

    @Test
    void windowIsCentredOnTheHopAndClippedAtTheEnds() {
        List<Long> steps = List.of(50L, 100L, 150L, 200L, 250L, 300L, 350L);
        assertEquals(List.of(100L, 150L, 200L, 250L, 300L), AveragingOutcome.window(steps, 200, 5));
        assertEquals(List.of(100L, 150L, 200L, 250L), AveragingOutcome.window(steps, 200, 4));
        assertEquals(List.of(50L, 100L, 150L), AveragingOutcome.window(steps, 50, 5));
        assertEquals(List.of(), AveragingOutcome.window(steps, 75, 5));
        assertEquals(2, AveragingOutcome.neededAfter(5));
        assertEquals(1, AveragingOutcome.neededAfter(4));
    }

    @Test
    void averagingTestIsAVerdictRuleAction() {
        AlertRules rules = AlertRules.parse("""
                avg: when * hops to * and is TRANSIENT then alert INFO, averaging-test
                avg7: when flipped hops to PARROT and is STABLE then averaging-test 7
                """);
        assertEquals(0, rules.rules().get(0).averagingCheckpoints());
        assertEquals(7, rules.rules().get(1).averagingCheckpoints());
        List<Output> out = rules.fire(new AlertRules.Trigger("r", "r/flipped/650/hop", "flipped", Mode.GENERALIZING,
                Mode.PARROT, Direction.DOWN, 650, 750, Verdict.STABLE));
        Output.AveragingRequest req = (Output.AveragingRequest) out.stream()
                .filter(o -> o instanceof Output.AveragingRequest).findFirst().orElseThrow();
        assertEquals(List.of("avg7"), out.stream().filter(o -> o instanceof Output.AveragingRequest)
                .map(o -> ((Output.AveragingRequest) o).requestedBy().substring(5)).toList());
        assertTrue(out.stream().noneMatch(o -> o instanceof Output.Alert), "averaging alone raises no alert");
        assertEquals(new Output.AveragingRequest("r/flipped/650/hop/avg7/averaging", "r", "flipped", 650, 7,
                Verdict.STABLE, "rule avg7"), req);
        var detection = assertThrows(IllegalArgumentException.class,
                () -> AlertRules.parse("x: when * hops to PARROT then averaging-test"));
        assertTrue(detection.getMessage().contains("needs a verdict rule"), detection.getMessage());
        var size = assertThrows(IllegalArgumentException.class,
                () -> AlertRules.parse("x: when * hops to PARROT and is STABLE then averaging-test 1"));
        assertTrue(size.getMessage().contains("2 to 64"), size.getMessage());
    }
}
