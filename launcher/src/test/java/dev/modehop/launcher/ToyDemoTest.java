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
    static RunRecord resumed;
    static final int RESUME_AT = 1400;

    @BeforeAll
    static void runBoth() throws Exception {
        PrintStream quiet = new PrintStream(new java.io.FileOutputStream("target/toy-demo-test.log"), true);  // read it when a step tolerance fails
        uncontrolled = ToyDemo.run(new ToyDemo.Options(0, 0, false, false, 0, quiet));
        controlled = ToyDemo.run(new ToyDemo.Options(0, 0, true, false, 0, quiet));
        // the loop: the uncontrolled run resumed at step 1400 on the mixture its data manifest selects
        @SuppressWarnings("unchecked")
        java.util.Map<String, Double> mixture = (java.util.Map<String, Double>) uncontrolled.dataManifest.get("mixture");
        double icl = mixture.get("icl") / mixture.values().stream().mapToDouble(Double::doubleValue).sum();
        resumed = ToyDemo.run(new ToyDemo.Options(0, 0, false, false, 0, quiet, RESUME_AT, icl));
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
        // the way back may pass through the middle band for a checkpoint (PARROT -> MIXED -> GENERALIZING)
        RunRecord.Hop back = flipped(controlled).stream().skip(1).filter(h -> h.to().equals("GENERALIZING"))
                .findFirst().orElseThrow(() -> new AssertionError("never back to GENERALIZING: " + flipped(controlled)));
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

    @Test
    @SuppressWarnings("unchecked")
    void theDataManifestSelectsTheIclRichWindowsOfTheSchedule() {
        List<dev.modehop.core.DataSelection.SelectedWindow> selected =
                (List<dev.modehop.core.DataSelection.SelectedWindow>) uncontrolled.dataManifest.get("windows");
        List<String> iclRichAfterAPoorOne = new java.util.ArrayList<>();
        for (int i = 1; i < uncontrolled.windows.size(); i++) {
            RunRecord.Window w = uncontrolled.windows.get(i);
            if (w.mixture().get("icl") >= 0.8 && uncontrolled.windows.get(i - 1).mixture().get("icl") <= 0.2) {
                iclRichAfterAPoorOne.add(w.windowId());
            }
        }
        assertTrue(iclRichAfterAPoorOne.size() >= 3, "the schedule alternates: " + uncontrolled.windows);
        List<String> ids = selected.stream().map(dev.modehop.core.DataSelection.SelectedWindow::windowId).toList();
        assertTrue(selected.stream().allMatch(w -> w.mixture().get("icl") >= 0.8), "only ICL-rich windows: " + selected);
        assertTrue(ids.containsAll(iclRichAfterAPoorOne), "every ICL-rich window the flipped family recovered in: "
                + iclRichAfterAPoorOne + " vs " + ids);
        assertTrue(((java.util.Map<String, Double>) uncontrolled.dataManifest.get("mixture")).get("icl") >= 0.8);
    }

    @Test
    void thePredictorTableShowsARandomBaselineBesideEachCorrelation() {
        assertFalse(uncontrolled.predictorTests.isEmpty(), "the scorer published predictors for every checkpoint");
        assertEquals("modehop.predictor.test", uncontrolled.predictorTestSource, "the table is the job's published test");
        for (RunRecord.PredictorRow p : uncontrolled.predictorTests) {
            assertEquals(60, p.checkpoints(), p.toString());
            assertTrue(p.baselineP95() > p.baselineMean() && p.baselineMean() > 0, p.toString());
            assertEquals(Math.abs(p.correlation()) > p.baselineP95(), p.beatsBaseline(), p.toString());
        }
    }

    @Test
    void theRunResumedOnTheManifestsWindowsStabilizes() {
        double without = ToyDemo.hopsPer1000(uncontrolled, "flipped", RESUME_AT, 3000);
        double with = ToyDemo.hopsPer1000(resumed, "flipped", RESUME_AT, 3000);
        System.out.printf("flipped hops per 1,000 steps after step %d: %.2f on the schedule, %.2f resumed on the "
                + "manifest's mixture%n", RESUME_AT, without, with);
        assertTrue(without >= 1.5, "the schedule keeps hopping after " + RESUME_AT + ": " + without);
        assertTrue(with < without / 2, "resumed on the manifest it settles: " + with + " vs " + without);
        assertEquals(flipped(uncontrolled).stream().filter(h -> h.step() <= RESUME_AT).toList(),
                flipped(resumed).stream().filter(h -> h.step() <= RESUME_AT).toList(),
                "the same run up to the resume step");
    }
}
