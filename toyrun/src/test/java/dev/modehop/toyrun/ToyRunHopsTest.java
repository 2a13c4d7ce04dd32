package dev.modehop.toyrun;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.probes.toy.ToyVocabulary;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default schedule really hops on the conflict (flipped) probe: GENERALIZING after the first 0.9
 * window, PARROT within three checkpoints of the switch to 0.1, GENERALIZING again within three
 * checkpoints of the switch back. About a minute on 2 cores, hence slow
 * ({@code mvn -pl toyrun -am test -Dtoyrun.excludedGroups= -Dtest=ToyRunHopsTest -Dsurefire.failIfNoSpecifiedTests=false}).
 */
@Tag("slow")
class ToyRunHopsTest {
    @TempDir
    Path tmp;

    @Test
    void defaultScheduleHopsGeneralizingParrotGeneralizing() {
        ToyProbeEvaluator probes = new ToyProbeEvaluator(ToyVocabulary.standard(), 1, 512);
        TreeMap<Long, Double> flipped = new TreeMap<>();
        ToyRun[] holder = new ToyRun[1];
        ToyRunListener listener = new ToyRunListener() {
            @Override
            public void onCheckpoint(long step, Path folder, double trainLoss) {
                flipped.put(step, probes.flipped(holder[0].model()).hardAccuracy());
            }

            @Override
            public void onWindowClosed(DataWindow window) {
            }
        };
        ToyRunConfig config = ToyRunConfig.builder(tmp, 0).schedule(
                ToyRunConfig.defaultSchedule().subList(0, 3)).build();
        try (ToyRun run = new ToyRun(config, listener)) {
            holder[0] = run;
            run.run();
        }
        String curve = flipped.toString();
        assertTrue(flipped.get(600L) > 0.9, "generalizing at the end of the first 0.9 window: " + curve);
        assertTrue(flipped.subMap(601L, true, 750L, true).values().stream().anyMatch(a -> a < 0.1),
                "parrot within 150 steps of the switch to 0.1: " + curve);
        assertTrue(flipped.get(1000L) < 0.1, "still parrot at the end of the 0.1 window: " + curve);
        assertTrue(flipped.subMap(1001L, true, 1150L, true).values().stream().anyMatch(a -> a > 0.9),
                "generalizing within 150 steps of the switch back to 0.9: " + curve);
        assertTrue(flipped.get(1400L) > 0.9, "generalizing at the end: " + curve);
    }
}
