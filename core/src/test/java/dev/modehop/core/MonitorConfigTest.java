package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MonitorConfigTest {

    /** AlertRules has no value equality, so both sides get the same (empty) rules object. */
    @Test
    void theBuilderStartsFromTheDefaults() {
        AlertRules none = AlertRules.none();
        assertEquals(MonitorConfig.defaults().toBuilder().rules(none).build(),
                MonitorConfig.builder().rules(none).build());
    }

    @Test
    void eachSetterSetsItsOwnField() {
        AlertRules rules = AlertRules.parse("r: when flipped hops to PARROT then alert WARN");
        MonitorConfig expected = new MonitorConfig(0.2, 2.5, 4.5, 0.3, 3, 6.0, 0.05, 40, 1234L, 11, 21, rules);
        MonitorConfig built = MonitorConfig.builder().modeBand(0.2).modeZ(2.5).hopZ(4.5).hopMinEffect(0.3)
                .stabilityCheckpoints(3).changePointZ(6.0).changePointMinDelta(0.05).changePointWindow(40)
                .missingScoreTimeoutMs(1234L).leaderboardSize(11).recentHopsKept(21).rules(rules).build();
        assertEquals(expected, built);
        assertEquals(expected, expected.toBuilder().build());
    }

    @Test
    void buildRunsTheRecordsChecks() {
        assertThrows(IllegalArgumentException.class, () -> MonitorConfig.builder().modeBand(0.5).build());
        assertThrows(IllegalArgumentException.class, () -> MonitorConfig.builder().stabilityCheckpoints(0).build());
    }
}
