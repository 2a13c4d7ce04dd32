package dev.modehop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunMonitorTest {
    static final String RUN = "run-1";
    private final AlertRules rules = AlertRules.parse("""
            warn: when * hops to PARROT then alert WARN
            steer: when flipped hops to PARROT and is STABLE then alert CRITICAL, adjust-mixture icl=0.9 iwl=0.1
            """);
    private final RunMonitor monitor = new RunMonitor(MonitorConfig.builder().rules(rules)
            .missingScoreTimeoutMs(1_000).build());
    private final RunState run = new RunState(RUN);

    static CheckpointReady ready(long step, long at) {
        return new CheckpointReady(RUN, step, step * 1000, "/ckpt/" + step, at);
    }

    static ProbeScore score(long step, String family, double acc, long at) {
        return new ProbeScore(RUN, step, "toy", family, "main", 4, 512, acc, 2 * acc - 1, null, 1, at);
    }

    private List<Output> feed(long step, double acc, long at) {
        List<Output> out = new ArrayList<>(monitor.onCheckpointReady(run, ready(step, at)));
        out.addAll(monitor.onResult(run, score(step, "flipped", acc, at)));
        return out;
    }

    static <T> List<T> only(List<Output> out, Class<T> type) {
        return out.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void hopIsReportedAtTheFirstCheckpointOfTheNewModeAndAttributedToItsWindow() {
        monitor.onWindow(run, new DataWindow(RUN, "w0", 0, 600, 0, Map.of("icl", 0.9, "iwl", 0.1)), 0);
        monitor.onWindow(run, new DataWindow(RUN, "w1", 600, 1000, 0, Map.of("icl", 0.1, "iwl", 0.9)), 0);
        feed(550, 0.98, 1);
        feed(600, 0.99, 2);
        List<Output> out = feed(650, 0.03, 3);
        List<Output.ModeHop> hops = only(out, Output.ModeHop.class);
        assertEquals(1, hops.size());
        Output.ModeHop hop = hops.get(0);
        assertEquals(650, hop.step());
        assertEquals(600, hop.prevStep());
        assertEquals(Mode.GENERALIZING, hop.from());
        assertEquals(Mode.PARROT, hop.to());
        assertEquals(List.of("w1"), hop.windows().stream().map(DataWindow::windowId).toList());
        assertEquals(RUN + "/flipped/650/hop", hop.id());
        assertEquals(List.of("warn"), only(out, Output.Alert.class).stream().map(Output.Alert::rule).toList());
        assertEquals(1, run.parts().sources().sources.get("iwl").hopsTowardParrot);
        List<Output.SourceStatisticsUpdate> stats = only(out, Output.SourceStatisticsUpdate.class);
        assertEquals(1, stats.size(), "the hop changed the source statistics: they are published");
        assertEquals(RUN + "/sources/650", stats.get(0).id());
        assertEquals(1, stats.get(0).hopsCounted());
        SourceStatistics.Move iwl = stats.get(0).moves().stream().filter(m -> m.source().equals("iwl")).findFirst()
                .orElseThrow();
        assertEquals(Mode.PARROT, iwl.toward());
        assertEquals(1, iwl.hops());
        assertEquals(0.9, iwl.meanWeight(), 1e-9);
        assertTrue(Double.isNaN(iwl.zScore()), "one hop: nothing to contrast");
    }

    @Test
    void lastingSwitchIsStableAndFiresItsControlRule() {
        feed(50, 0.95, 1);
        feed(100, 0.05, 2);
        feed(150, 0.04, 3);
        List<Output> out = feed(200, 0.06, 4);
        List<Output.HopStability> verdicts = only(out, Output.HopStability.class);
        assertEquals(1, verdicts.size());
        assertEquals(Verdict.STABLE, verdicts.get(0).verdict());
        assertEquals(200, verdicts.get(0).decidedAtStep());
        List<Output.ControlCommand> controls = only(out, Output.ControlCommand.class);
        assertEquals(1, controls.size());
        assertEquals(ControlAction.ADJUST_MIXTURE, controls.get(0).action());
        assertEquals(Map.of("icl", 0.9, "iwl", 0.1), controls.get(0).mixture());
    }

    @Test
    void oneCheckpointDipIsTransient() {
        feed(50, 0.81, 1);
        feed(100, 0.0, 2);
        List<Output> out = feed(150, 0.817, 3);
        assertEquals(1, only(out, Output.ModeHop.class).size(), "the way back is a hop too");
        List<Output.HopStability> verdicts = only(out, Output.HopStability.class);
        assertEquals(1, verdicts.size());
        assertEquals(Verdict.TRANSIENT, verdicts.get(0).verdict());
        assertEquals(100, verdicts.get(0).hopStep());
    }

    @Test
    void outOfOrderResultsAreProcessedInStepOrder() {
        monitor.onCheckpointReady(run, ready(50, 1));
        monitor.onCheckpointReady(run, ready(100, 2));
        monitor.onCheckpointReady(run, ready(150, 3));
        assertEquals(List.of(), monitor.onResult(run, score(150, "flipped", 0.05, 4)));
        assertEquals(List.of(), monitor.onResult(run, score(100, "flipped", 0.04, 5)));
        List<Output> out = monitor.onResult(run, score(50, "flipped", 0.95, 6));
        List<Long> steps = only(out, Output.ModeObservation.class).stream().map(Output.ModeObservation::step).toList();
        assertEquals(List.of(50L, 100L, 150L), steps);
        assertEquals(100, only(out, Output.ModeHop.class).get(0).step());
    }

    @Test
    void missingScoresTimeOutAndNoHopIsReportedAcrossTheGap() {
        feed(50, 0.95, 1_000);
        monitor.onCheckpointReady(run, ready(100, 1_001));
        List<Output> out = new ArrayList<>(feed(150, 0.05, 1_500));
        assertTrue(only(out, Output.ModeObservation.class).isEmpty(), "waits for step 100");
        out.addAll(feed(200, 0.04, 2_100));
        List<Output.Alert> alerts = only(out, Output.Alert.class);
        assertEquals("missing-scores", alerts.get(0).rule());
        assertEquals(List.of(), only(out, Output.ModeHop.class));
        Output.ModeObservation after = only(out, Output.ModeObservation.class).get(0);
        assertEquals(150, after.step());
        assertTrue(after.gapBefore());
        assertEquals(Mode.PARROT, after.confirmedMode());
        List<Output> late = monitor.onResult(run, score(100, "flipped", 0.5, 2_200));
        assertEquals(List.of(), only(late, Output.Rejection.class), "a late result is kept, not dead-lettered");
        List<Output.LateObservation> published = only(late, Output.LateObservation.class);
        assertEquals(1, published.size(), "the skipped checkpoint, complete after all, is published late");
        assertEquals(100, published.get(0).step());
        assertEquals(Mode.PARROT, published.get(0).confirmedMode());
        assertEquals(List.of(), monitor.onResult(run, score(100, "flipped", 0.5, 2_300)), "its duplicate is ignored");
        List<Output> tooLate = monitor.onResult(run, score(120, "flipped", 0.5, 2_300));
        assertEquals(1, only(tooLate, Output.Rejection.class).size(), "a step never announced nor waited for: DLQ");
    }

    @Test
    void duplicatesAreIgnoredAndUnknownRunsRejected() {
        feed(50, 0.95, 1);
        assertEquals(List.of(), monitor.onResult(run, score(50, "flipped", 0.95, 2)));
        assertEquals(1, run.duplicatesIgnored);
        RunState other = new RunState("ghost");
        ProbeScore first = new ProbeScore("ghost", 5, "toy", "flipped", "main", 1, 10, 0.5, 0, null, 1, 1);
        assertEquals(List.of(), monitor.onResult(other, first), "held back: it may have overtaken its announcement");
        List<Output> out = monitor.onResult(other, new ProbeScore("ghost", 6, "toy", "flipped", "main", 1, 10, 0.5, 0,
                null, 1, 2_000));
        assertEquals(2, out.size(), "both given up once the timeout passed");
        Output.Rejection r = (Output.Rejection) out.get(0);
        assertTrue(r.reason().contains("unknown run"), r.reason());
        assertEquals(first, r.parked(), "the held-back result itself goes to the DLQ");
    }

    @Test
    void aProcessedCheckpointKeepsItsTaskKeysNotItsResults() {
        feed(50, 0.95, 1);
        assertEquals(List.of(), run.parts().results(50), "the results go once the checkpoint is processed");
        ProcessedCheckpoint kept = run.parts().processed(50);
        assertEquals(java.util.Set.of(score(50, "flipped", 0.95, 1).taskKey()), kept.taskKeys);
        assertEquals(0.9, kept.softScores.get("flipped"), 1e-12);
        assertEquals(List.of(), monitor.onResult(run, score(50, "flipped", 0.95, 2)), "a duplicate, told by its key");
        assertEquals(1, run.duplicatesIgnored);
        List<Output> late = monitor.onResult(run, score(50, "other", 0.95, 3));
        assertEquals(1, only(late, Output.Rejection.class).size(), "a task the checkpoint never had: late, DLQ");
        for (int i = 2; i <= RunMonitor.PROCESSED_KEPT + 1; i++) {
            feed(50L * i, 0.95, i);
        }
        assertNull(run.parts().processed(50), "forgotten with the checkpoint");
        assertNotNull(run.parts().processed(100));
    }

    @Test
    void aProcessedCheckpointStoredWithItsResultsByTheBuildBeforeIsStillToldAndForgotten() {
        feed(50, 0.95, 1);
        // the state the build before left: the results stay, nothing else is kept of the processed checkpoint
        run.parts().dropProcessed(50);
        run.parts().saveResult(score(50, "flipped", 0.95, 1));
        assertEquals(List.of(), monitor.onResult(run, score(50, "flipped", 0.95, 2)), "a duplicate, told by its result");
        assertEquals(1, run.duplicatesIgnored);
        for (int i = 2; i <= RunMonitor.PROCESSED_KEPT + 1; i++) {
            feed(50L * i, 0.95, i);
        }
        assertEquals(List.of(), run.parts().results(50), "its results are dropped when it is forgotten");
    }

    @Test
    void aCheckpointInFlightKnowsItsResultsAndOneStoredWithoutTheirKeysStillWorks() {
        monitor.onCheckpointReady(run, ready(50, 1));
        ProbeScore a = new ProbeScore(RUN, 50, "toy", "flipped", "a", 4, 256, 0.9, 0.8, null, 3, 2);
        ProbeScore b = new ProbeScore(RUN, 50, "toy", "flipped", "b", 4, 256, 0.7, 0.4, null, 3, 3);
        ProbeScore c = new ProbeScore(RUN, 50, "toy", "flipped", "c", 4, 256, 0.5, 0.0, null, 3, 4);
        monitor.onResult(run, a);
        assertEquals(java.util.Set.of(a.taskKey()), run.parts().pending(50).taskKeys);
        assertEquals(List.of(), monitor.onResult(run, a), "a duplicate in flight, told by its key");
        assertEquals(1, run.duplicatesIgnored);
        // as a build that did not keep the keys stored it
        PendingCheckpoint before = run.parts().pending(50);
        before.taskKeys = null;
        run.parts().savePending(before);
        assertEquals(List.of(), monitor.onResult(run, a), "told by its stored result");
        assertEquals(2, run.duplicatesIgnored);
        assertEquals(List.of(), monitor.onResult(run, b));
        List<Output.ModeObservation> obs = only(monitor.onResult(run, c), Output.ModeObservation.class);
        assertEquals(1, obs.size(), "its results listed from the store");
        assertEquals(0.7, obs.get(0).hardAccuracy(), 1e-12);
        assertEquals(768, obs.get(0).items());
        assertEquals(java.util.Set.of(a.taskKey(), b.taskKey(), c.taskKey()), run.parts().processed(50).taskKeys);
    }

    @Test
    void resultsThatOvertakeTheirAnnouncementAreHeldBackNotLost() {
        assertEquals(List.of(), monitor.onResult(run, score(50, "flipped", 0.95, 1)));
        List<Output> out = monitor.onCheckpointReady(run, ready(50, 2));
        assertEquals(1, only(out, Output.ModeObservation.class).size());
        assertEquals(0, run.parkedCount);
    }

    @Test
    void invalidValuesAreRejectedWithTheirReason() {
        monitor.onCheckpointReady(run, ready(50, 1));
        List<Output> nan = monitor.onResult(run, score(50, "flipped", Double.NaN, 2));
        assertTrue(((Output.Rejection) nan.get(0)).reason().contains("NaN"));
        List<Output> negative = monitor.onCheckpointReady(run, ready(-1, 3));
        assertTrue(((Output.Rejection) negative.get(0)).reason().contains("negative step"));
    }

    @Test
    void checkpointWaitsForAllItsResults() {
        monitor.onCheckpointReady(run, ready(50, 1));
        ProbeScore a = new ProbeScore(RUN, 50, "toy", "flipped", "a", 4, 256, 0.9, 0.8, null, 2, 2);
        ProbeScore b = new ProbeScore(RUN, 50, "toy", "flipped", "b", 4, 256, 0.7, 0.4, null, 2, 3);
        assertEquals(List.of(), monitor.onResult(run, a));
        List<Output.ModeObservation> obs = only(monitor.onResult(run, b), Output.ModeObservation.class);
        assertEquals(1, obs.size(), "tasks pool into their family");
        assertEquals(0.8, obs.get(0).hardAccuracy(), 1e-12);
        assertEquals(512, obs.get(0).items());
    }

    @Test
    void rankingPrefersHighScoresAndRepublishesWhenTheLeaderboardChanges() {
        List<Output> first = feed(50, 0.7, 1);
        assertEquals(50, only(first, Output.CheckpointRanking.class).get(0).bestStep());
        List<Output> second = feed(100, 0.9, 2);
        assertEquals(100, only(second, Output.CheckpointRanking.class).get(0).bestStep());
        List<Output> third = feed(150, 0.8, 3);
        Output.CheckpointRanking now = only(third, Output.CheckpointRanking.class).get(0);
        assertEquals(100, now.bestStep(), "best unchanged");
        assertEquals(List.of(100L, 150L, 50L), now.leaderboard().stream().map(Output.RankedCheckpoint::step).toList(),
                "the newcomer entered the leaderboard: republished");
        assertEquals(100, monitor.summarize(run).bestStep());
    }

    @Test
    void plainSeriesGoThroughTheChangePointDetector() {
        List<Output> all = new ArrayList<>();
        double[] values = {0.30, 0.31, 0.29, 0.30, 0.32, 0.30, 0.31, 0.55, 0.56, 0.55};
        for (int i = 0; i < values.length; i++) {
            long step = 100L * (i + 1);
            all.addAll(monitor.onCheckpointReady(run, ready(step, i)));
            all.addAll(monitor.onResult(run, new ProbeScore(RUN, step, "lm-eval", "lm-eval", "piqa", 1, null, values[i],
                    0, 0.01, 1, i)));
        }
        List<Output.ModeHop> hops = only(all, Output.ModeHop.class);
        assertEquals(1, hops.size());
        assertEquals(800, hops.get(0).step());
        assertEquals("lm-eval/piqa", hops.get(0).series());
        assertEquals(Direction.UP, hops.get(0).direction());
        assertEquals(Verdict.STABLE, only(all, Output.HopStability.class).get(0).verdict());
    }

    @Test
    void hopsIntoAndOutOfMixedAreReportedJudgedAndFireMixedRules() {
        RunMonitor withMixedRule = new RunMonitor(MonitorConfig.builder().rules(AlertRules.parse(
                "mixed: when flipped hops to MIXED and is STABLE then alert WARN")).build());
        RunState r = new RunState(RUN);
        List<Output> all = new ArrayList<>();
        double[] values = {0.95, 0.96, 0.95, 0.51, 0.50, 0.49, 0.50, 0.94};
        for (int i = 0; i < values.length; i++) {
            long step = 50L * (i + 1);
            all.addAll(withMixedRule.onCheckpointReady(r, ready(step, i)));
            all.addAll(withMixedRule.onResult(r, score(step, "flipped", values[i], i)));
        }
        List<Output.ModeHop> hops = only(all, Output.ModeHop.class);
        assertEquals(2, hops.size());
        assertEquals(200, hops.get(0).step(), "at the first checkpoint of MIXED");
        assertEquals(Mode.GENERALIZING, hops.get(0).from());
        assertEquals(Mode.MIXED, hops.get(0).to());
        assertEquals(400, hops.get(1).step());
        assertEquals(Mode.MIXED, hops.get(1).from());
        assertEquals(Mode.GENERALIZING, hops.get(1).to());
        assertEquals(Verdict.STABLE, only(all, Output.HopStability.class).get(0).verdict());
        List<Output.Alert> alerts = only(all, Output.Alert.class);
        assertEquals(1, alerts.size());
        assertEquals("mixed", alerts.get(0).rule());
        Output.ModeObservation atChance = only(all, Output.ModeObservation.class).get(5);
        assertEquals(Mode.MIXED, atChance.mode());
        assertEquals(Mode.MIXED, atChance.confirmedMode());
        // A held MIXED mode counts like any held mode; its soft score (near 0) ranks the checkpoint low.
        assertEquals(100, withMixedRule.summarize(r).bestStep());
    }
}
