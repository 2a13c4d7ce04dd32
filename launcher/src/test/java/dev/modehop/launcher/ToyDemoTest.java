package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.launcher.report.RunRecord;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The main job, end to end on the real pieces (broker, registry, Streams job, scorer worker, a toy model
 * trained with DJL): it really hops with the windows, the hops are attributed to the windows that caused
 * them, and with control on the run returns to generalizing sooner. Fixed seed; tolerances on steps.
 */
class ToyDemoTest {
    static RunRecord uncontrolled;
    static RunRecord controlled;

    @BeforeAll
    static void runBoth() throws Exception {
        PrintStream quiet = new PrintStream(new java.io.FileOutputStream("target/toy-demo-test.log"), true);  // read it when a step tolerance fails
        uncontrolled = ToyDemo.run(new ToyDemo.Options(0, 0, false, false, 0, quiet));
        controlled = ToyDemo.run(new ToyDemo.Options(0, 0, true, false, 0, quiet));
    }

    static List<RunRecord.Hop> flipped(RunRecord r) {
        return r.hopsOf("flipped");
    }

    static double icl(RunRecord r, String windowId) {
        return r.windows.stream().filter(w -> w.windowId().equals(windowId)).findFirst().orElseThrow().mixture()
                .get("icl");
    }

    @Test
    void withoutControlTheFlippedFamilyHopsWithTheWindowsAndTheHopsAreAttributedToThem() {
        List<RunRecord.Hop> hops = flipped(uncontrolled);
        assertTrue(hops.size() >= 4, "hops: " + hops);
        RunRecord.Hop down = hops.get(0);
        assertEquals("GENERALIZING", down.from());
        assertEquals("PARROT", down.to());
        assertTrue(down.step() >= 600 && down.step() <= 750, "first hop to parrot right after step 600: " + down);
        assertTrue(down.windows().stream().anyMatch(w -> icl(uncontrolled, w) <= 0.2), "caused by an ICL-poor window");
        RunRecord.Hop up = hops.get(1);
        assertEquals("PARROT", up.from());
        assertEquals("GENERALIZING", up.to());
        assertTrue(up.step() >= 1000 && up.step() <= 1150, "back to generalizing right after step 1000: " + up);
        assertTrue(up.windows().stream().anyMatch(w -> icl(uncontrolled, w) >= 0.8), "caused by an ICL-rich window");
        for (int i = 1; i < hops.size(); i++) {
            assertEquals(hops.get(i - 1).to(), hops.get(i).from(), "hops alternate");
        }
        assertTrue(uncontrolled.controls.isEmpty());
        assertEquals("STABLE", down.stability());
    }

    @Test
    void controlSteersTheRunBackToGeneralizingSooner() {
        assertFalse(controlled.controls.isEmpty(), "the rule answered the stable move to parrot");
        assertEquals("ADJUST_MIXTURE", controlled.controls.get(0).action());
        long backWithout = flipped(uncontrolled).get(1).step();
        RunRecord.Hop firstDown = flipped(controlled).get(0);
        assertEquals("PARROT", firstDown.to());
        RunRecord.Hop back = flipped(controlled).get(1);
        assertEquals("GENERALIZING", back.to());
        assertTrue(back.step() < backWithout, "with control back at " + back.step() + ", without at " + backWithout);
    }

    @Test
    void everyJudgedHopOfTheFlippedFamilyGetsItsAveragingAndOneStepTest() {
        for (RunRecord r : List.of(uncontrolled, controlled)) {
            List<RunRecord.Hop> judged = flipped(r).stream().filter(h -> !h.stability().equals("PENDING")).toList();
            assertEquals(judged.stream().map(RunRecord.Hop::step).sorted().toList(),
                    r.averaging.stream().map(RunRecord.Averaging::hopStep).sorted().toList(), "one test per judged hop");
            for (RunRecord.Averaging a : r.averaging) {
                assertEquals("DONE", a.status(), String.valueOf(a.reason()));
                assertEquals(5, a.steps().size(), a.toString());
                assertEquals("DONE", a.oneStep(), a.toString());
                RunRecord.AveragedFamily f = a.families().stream().filter(x -> x.family().equals("flipped"))
                        .findFirst().orElseThrow();
                assertTrue(f.oneStepChange() < f.hopChange(), "one step moves less than the hop: " + f);
            }
        }
    }

    @Test
    void theReportCarriesTimingsAndABestCheckpoint() {
        assertTrue(uncontrolled.bestStep > 0);
        assertTrue(((Number) uncontrolled.timings.get("trainingStepsPerSecond")).doubleValue() > 0);
        assertEquals(60, ((Number) uncontrolled.timings.get("checkpointsScored")).intValue());
    }
}
