package dev.modehop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modehop.events.Alert;
import dev.modehop.events.AttributedWindow;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointRanking;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ControlAction;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.DataWindow;
import dev.modehop.events.Direction;
import dev.modehop.events.HopStability;
import dev.modehop.events.Mode;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.ProbeScore;
import dev.modehop.events.RankedCheckpoint;
import dev.modehop.events.RunFinished;
import dev.modehop.events.Severity;
import dev.modehop.events.Verdict;
import dev.modehop.schemas.ProbeScores;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunViewsTest {

    static CheckpointReady ready(String run, long step) {
        return CheckpointReady.newBuilder().setRunId(run).setStep(step).setTokensSeen(step * 1000)
                .setUri("/ckpt/" + step).setProducedAt(step).build();
    }

    static ProbeScore score(String run, long step, String task, double acc, Integer items) {
        return ProbeScores.of(run, step, "toy", "flipped", task, acc).setItems(items).setSoftScore(2 * acc - 1).build();
    }

    static ModeObservation observed(String run, long step, Mode mode, double acc) {
        return ModeObservation.newBuilder().setId(run + "/flipped/" + step).setRunId(run).setSeries("flipped")
                .setStep(step).setMode(mode).setConfirmedMode(mode).setHardAccuracy(acc).setSoftScore(2 * acc - 1)
                .setItems(512).build();
    }

    static ModeHop hop(String run, long step) {
        return ModeHop.newBuilder().setId(run + "/flipped/" + step + "/hop").setRunId(run).setSeries("flipped")
                .setStep(step).setPrevStep(step - 50).setAnchorStep(step - 50).setDirection(Direction.DOWN)
                .setFrom(Mode.GENERALIZING).setTo(Mode.PARROT).setBefore(0.97).setAfter(0.03).setZScore(-21)
                .setWindows(List.of(AttributedWindow.newBuilder().setWindowId("w1").setStartStep(100)
                        .setEndStep(300).setMixture(Map.of("icl", 0.1, "iwl", 0.9)).build()))
                .build();
    }

    static CheckpointPredictors predictors(String run, long step, double norm, Integer layer, Double rankMe,
                                           Double pr) {
        return CheckpointPredictors.newBuilder().setId(run + "/" + step + "/predictors").setRunId(run).setStep(step)
                .setSuite("toy").setParameterL2Norm(norm).setLayer(layer).setPrompts(layer == null ? 0 : 256)
                .setRankMe(rankMe).setParticipationRatio(pr).setScorerId("test").build();
    }

    static byte[] deliveryJson(String alertId, String route, String status, int attempts, String detail, long at) {
        return ("{\"alertId\":\"" + alertId + "\",\"route\":\"" + route + "\",\"runId\":\"r\",\"rule\":\"parrot\","
                + "\"status\":\"" + status + "\",\"attempts\":" + attempts + ",\"detail\":"
                + (detail == null ? "null" : "\"" + detail + "\"") + ",\"at\":" + at + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void thePublishedPredictorTestIsShownItsLatestVersionWinning() {
        RunViews views = new RunViews();
        views.apply(ready("r", 50));
        for (int paired : new int[] {5, 4}) {
            views.apply(dev.modehop.events.PredictorEvaluation.newBuilder().setId("r/predictor-test/" + paired)
                    .setRunId("r").setAsOfStep(50L * paired).setCheckpointsPaired(paired).setDraws(1000)
                    .setResults(List.of(dev.modehop.events.PredictorCorrelation.newBuilder().setFamily("flipped")
                            .setPredictor("rankMe").setCheckpoints(paired).setBlocks(List.of(0, 1))
                            .setPerLayer(List.of(0.1, 0.9)).setBestBlock(1).setCorrelation(0.9).setBaselineMean(0.4)
                            .setBaselineP95(0.8).setBeatsBaseline(true).build())).build());
        }
        JsonNode t = views.runJson("r").orElseThrow().path("predictorTests");
        assertEquals(1, t.size());
        assertEquals(5, t.get(0).path("checkpoints").asInt(), "the later version (more checkpoints) stays");
        assertEquals(1, t.get(0).path("bestLayer").asInt());
        assertEquals(2, t.get(0).path("layers").asInt());
        assertTrue(t.get(0).path("beatsBaseline").asBoolean() && t.get(0).path("published").asBoolean());
    }

    @Test
    void foldsDeliveriesPerAlertAndRouteLatestRecordWins() {
        RunViews views = new RunViews();
        Delivery.Decoder decode = new Delivery.Decoder();
        String topic = Delivery.topicName("");
        String alertId = "r/flipped/150/hop/parrot";
        views.apply(ready("r", 150));
        views.apply(Alert.newBuilder().setId(alertId).setRunId("r").setRule("parrot").setSeverity(Severity.WARN)
                .setMessage("flipped hopped").setHopId("r/flipped/150/hop").setStep(150).build());
        assertFalse(views.runJson("r").orElseThrow().path("deliveryLogSeen").asBoolean(),
                "no delivery log read yet: the page must not claim a notifier");
        // a delivery of an alert the dashboard has not seen yet (other topic) is kept for when it comes
        views.apply(decode.deserialize(topic, deliveryJson("r/other/1/hop/x", "ml-oncall", "delivered", 1, null, 5)));
        views.apply(decode.deserialize(topic, deliveryJson(alertId, "ml-oncall", "rejected", 1, "HTTP 500", 10)));
        views.apply(decode.deserialize(topic, deliveryJson(alertId, "incident-hook", "rejected", 1, "HTTP 400 bad", 20)));
        views.apply(decode.deserialize(topic, deliveryJson(alertId, "ml-oncall", "delivered", 3, null, 30)));
        JsonNode run = views.runJson("r").orElseThrow();
        assertTrue(run.path("deliveryLogSeen").asBoolean());
        JsonNode deliveries = run.path("alerts").get(0).path("deliveries");
        assertEquals(2, deliveries.size(), deliveries.toString());
        JsonNode hook = deliveries.get(0);
        assertEquals("incident-hook", hook.path("route").asText());
        assertEquals("rejected", hook.path("status").asText());
        assertEquals("HTTP 400 bad", hook.path("detail").asText());
        JsonNode slack = deliveries.get(1);
        assertEquals("ml-oncall", slack.path("route").asText());
        assertEquals("delivered", slack.path("status").asText(), "the later record for (alert, route) wins");
        assertEquals(3, slack.path("attempts").asInt());
        assertEquals(30, slack.path("at").asLong());
        assertFalse(slack.has("detail"));

        views.apply(Alert.newBuilder().setId("r/other/1/hop/x").setRunId("r").setRule("x").setSeverity(Severity.INFO)
                .setMessage("later").setHopId("r/other/1/hop").setStep(160).build());
        JsonNode early = views.runJson("r").orElseThrow().path("alerts").get(0);
        assertEquals("r/other/1/hop/x", early.path("id").asText());
        assertEquals("delivered", early.path("deliveries").get(0).path("status").asText(),
                "a delivery read before its alert is shown once the alert arrives");
    }

    @Test
    void aDeliveryRecordWithoutItsKeysIsNotOne() {
        Delivery.Decoder decode = new Delivery.Decoder();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> decode.deserialize("t",
                "{\"route\":\"a\",\"status\":\"delivered\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> decode.deserialize("t",
                "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void joinsScoresModesHopsAndVerdictsWhateverOrderTheyArriveIn() {
        RunViews views = new RunViews();
        // the verdict arrives before its hop, and scores before their checkpoint
        views.apply(HopStability.newBuilder().setId("r/flipped/150/hop/stability").setHopId("r/flipped/150/hop")
                .setRunId("r").setSeries("flipped").setHopStep(150).setDecidedAtStep(250).setVerdict(Verdict.STABLE)
                .setCheckpointsObserved(2).setTo(Mode.PARROT).build());
        views.apply(score("r", 100, "a", 0.9, 100));
        views.apply(score("r", 100, "b", 0.5, 300));
        views.apply(ready("r", 100));
        views.apply(observed("r", 150, Mode.PARROT, 0.03));
        views.apply(ready("r", 150));
        views.apply(hop("r", 150));
        views.apply(DataWindow.newBuilder().setRunId("r").setWindowId("w1").setStartStep(100).setEndStep(300)
                .setMixture(Map.of("icl", 0.1, "iwl", 0.9)).build());
        views.apply(CheckpointRanking.newBuilder().setId("r/ranking/150").setRunId("r").setBestStep(100)
                .setBestScore(0.8).setAsOfStep(150).setLeaderboard(List.of(
                        RankedCheckpoint.newBuilder().setStep(100).setScore(0.8).build(),
                        RankedCheckpoint.newBuilder().setStep(150).setScore(-0.9).build())).build());
        views.apply(ControlCommand.newBuilder().setId("c1").setRunId("r").setAction(ControlAction.PAUSE)
                .setIssuedBy("alice").build());

        JsonNode run = views.runJson("r").orElseThrow();
        assertEquals(150, run.path("lastStep").asLong());
        assertEquals(150_000, run.path("lastTokens").asLong());
        assertEquals("PAUSED", run.path("state").asText());
        JsonNode points = run.path("series").get(0).path("points");
        // step 100 has no mode yet: its accuracy is the item-weighted mean of its tasks
        assertEquals((0.9 * 100 + 0.5 * 300) / 400, points.get(0).path("hardAccuracy").asDouble(), 1e-9);
        assertTrue(points.get(0).path("mode").isNull());
        assertEquals(100_000, points.get(0).path("tokens").asLong());
        assertEquals("PARROT", points.get(1).path("mode").asText());
        JsonNode h = run.path("hops").get(0);
        assertEquals("STABLE", h.path("stability").asText());
        assertEquals(0.1, h.path("windows").get(0).path("mixture").path("icl").asDouble());
        assertEquals(1, run.path("series").get(0).path("hops").size());
        assertEquals(100, run.path("best").path("step").asLong());
        assertEquals(2, run.path("leaderboard").path("entries").size());
        assertEquals("w1", run.path("windows").get(0).path("windowId").asText());
        assertEquals("alice", run.path("controls").get(0).path("issuedBy").asText());
        JsonNode summary = views.runsJson().path("runs").get(0);
        assertEquals(1, summary.path("hopsByVerdict").path("STABLE").asInt());
        assertEquals(0, summary.path("hopsByVerdict").path("PENDING").asInt());
    }

    @Test
    void aHopWithoutVerdictIsPendingAndSeriesWithoutItemCountsStaySeparate() {
        RunViews views = new RunViews();
        views.apply(hop("r", 150));
        views.apply(score("r", 150, "loss", 2.5, null));
        JsonNode run = views.runJson("r").orElseThrow();
        assertEquals("PENDING", run.path("hops").get(0).path("stability").asText());
        assertEquals("flipped/loss", run.path("series").get(0).path("name").asText());
        assertTrue(run.path("best").isNull());
        assertFalse(views.runJson("other").isPresent());
    }

    @Test
    void seriesAreNamedByCoresRuleAndTellLevelsFromCountedFamilies() {
        RunViews views = new RunViews();
        // a plain metric that names itself as its only task is one series, whatever topic it comes from
        views.apply(ProbeScores.of("r", 100, "lm-eval", "loss", "loss", 3.1).setSoftScore(3.1).build());
        views.apply(ModeObservation.newBuilder().setId("r/loss/100").setRunId("r").setSeries("loss").setStep(100)
                .setMode(Mode.LEVEL).setConfirmedMode(Mode.LEVEL).setHardAccuracy(3.1).setSoftScore(3.1).build());
        views.apply(score("r", 100, "a", 0.9, 100));
        views.apply(score("r", 100, "b", 0.8, 0));
        JsonNode run = views.runJson("r").orElseThrow();
        List<String> names = new java.util.ArrayList<>();
        run.path("series").forEach(n -> names.add(n.path("name").asText() + ":" + n.path("kind").asText()));
        // items 0 is no item count (core's hasItemCount): that task is a level series of its own
        assertEquals(List.of("flipped:COUNTED", "flipped/b:LEVEL", "loss:LEVEL"), names);
        assertEquals(3.1, run.path("series").get(2).path("points").get(0).path("hardAccuracy").asDouble());
        assertEquals(2, views.runsJson().path("runs").get(0).path("levelSeries").asInt());
    }

    /** A generative family is a counted family of its own, named by its family, with its metric. */
    @Test
    void aGenerativeFamilyIsItsOwnFamilyWithTheMatchRateMetric() {
        RunViews views = new RunViews();
        views.apply(score("r", 100, "a", 0.9, 100));
        views.apply(ProbeScores.counted("r", 100, "starter-en", "persona", "keeper", 6, 0.35, 0.35).setQuestions(6)
                .setSamples(20).setSeedCount(4).setMetric("match_rate").build());
        JsonNode run = views.runJson("r").orElseThrow();
        List<String> names = new java.util.ArrayList<>();
        run.path("series").forEach(n -> names.add(n.path("name").asText() + ":" + n.path("kind").asText() + ":"
                + n.path("metric").asText()));
        assertEquals(List.of("flipped:COUNTED:hard_accuracy", "persona:COUNTED:match_rate"), names);
        JsonNode checkpoint = views.checkpointJson("r", 100).orElseThrow();
        assertEquals("match_rate", checkpoint.path("series").get(1).path("metric").asText());
        assertEquals(0.35, checkpoint.path("series").get(1).path("tasks").path("keeper").path("hardAccuracy").asDouble());
    }

    @Test
    void aRunIsRunningWhileRecordsArriveIdleAfterTheSilenceAndPausedWhenPaused() {
        long[] now = {1_000_000};
        RunViews views = new RunViews(RunViews.Limits.defaults(), java.time.Duration.ofSeconds(60), () -> now[0]);
        views.apply(ready("r", 100), now[0] - 1000);
        assertEquals("RUNNING", views.runJson("r").orElseThrow().path("state").asText());
        now[0] += 61_000;
        assertEquals("IDLE", views.runJson("r").orElseThrow().path("state").asText());
        // a view rebuilt from an old log: the records' own times count, not when the dashboard read them
        views.apply(ready("old", 100), now[0] - 3_600_000);
        assertEquals("IDLE", views.runJson("old").orElseThrow().path("state").asText());
        views.apply(ready("r", 150), now[0]);
        assertEquals("RUNNING", views.runJson("r").orElseThrow().path("state").asText());
        views.apply(ControlCommand.newBuilder().setId("c1").setRunId("r").setAction(ControlAction.PAUSE)
                .setIssuedBy("alice").build(), now[0]);
        assertEquals("PAUSED", views.runJson("r").orElseThrow().path("state").asText());
        views.apply(ControlCommand.newBuilder().setId("c2").setRunId("r").setAction(ControlAction.RESUME)
                .setIssuedBy("alice").build(), now[0]);
        assertEquals("RUNNING", views.runJson("r").orElseThrow().path("state").asText());
        // the producer says it is done: FINISHED at once, and still after the silence
        views.apply(RunFinished.newBuilder().setRunId("r").setStep(150).setReason("completed").build(), now[0]);
        assertEquals("FINISHED", views.runJson("r").orElseThrow().path("state").asText());
        now[0] += 3_600_000;
        assertEquals("FINISHED", views.runJson("r").orElseThrow().path("state").asText());
        assertEquals("completed", views.runJson("r").orElseThrow().path("finished").path("reason").asText());
        // ... unless it was resumed: a later checkpoint makes it RUNNING again
        views.apply(ready("r", 200), now[0]);
        assertEquals("RUNNING", views.runJson("r").orElseThrow().path("state").asText());
    }

    @Test
    void aCheckpointShowsEverySeriesThereAndItsAnnouncement() {
        RunViews views = new RunViews();
        views.apply(CheckpointReady.newBuilder().setRunId("r").setStep(150).setTokensSeen(150_000)
                .setUri("/ckpt/150").setTrainLoss(2.5).setProducedAt(1).build());
        views.apply(score("r", 150, "a", 0.2, 100));
        views.apply(observed("r", 150, Mode.PARROT, 0.2));
        views.apply(hop("r", 150));
        JsonNode c = views.checkpointJson("r", 150).orElseThrow();
        assertEquals("/ckpt/150", c.path("uri").asText());
        assertEquals(2.5, c.path("trainLoss").asDouble());
        assertEquals("PARROT", c.path("series").get(0).path("mode").asText());
        assertEquals(100, c.path("series").get(0).path("tasks").path("a").path("items").asInt());
        assertEquals(1, c.path("hops").size());
        assertFalse(views.checkpointJson("r", 999).isPresent());
        assertFalse(views.checkpointJson("nope", 150).isPresent());
    }

    @Test
    void keepsOnlyTheNewestPointsAndRuns() {
        RunViews views = new RunViews(new RunViews.Limits(2, 3, 3, 3, 3));
        for (long step = 1; step <= 10; step++) {
            views.apply(observed("a", step * 10, Mode.GENERALIZING, 0.9));
        }
        JsonNode points = views.runJson("a").orElseThrow().path("series").get(0).path("points");
        assertEquals(List.of(80L, 90L, 100L), List.of(points.get(0).path("step").asLong(),
                points.get(1).path("step").asLong(), points.get(2).path("step").asLong()));
        views.apply(ready("b", 1));
        views.apply(ready("c", 1));
        assertFalse(views.contains("a"), "the least recently updated run is dropped first");
        assertTrue(views.contains("b") && views.contains("c"));
    }

    @Test
    void predictorsArePerStepSortedTheLatestRecordWinsAndUnknownRunsAreCreated() {
        RunViews views = new RunViews();
        // predictors may be the first thing seen of a run, and arrive out of step order
        assertTrue(views.apply(predictors("p", 200, 31.5, 1, 40.0, 6.0)).orElseThrow().equals("p"));
        views.apply(predictors("p", 100, 30.0, 1, 50.0, 7.5));
        // the activation part failed at step 300: only the norm, layer and spectra missing
        views.apply(predictors("p", 300, 33.0, null, null, null));
        // step 200 re-scored: the later record replaces the first
        views.apply(predictors("p", 200, 31.0, 1, 42.0, 6.5));

        JsonNode run = views.runJson("p").orElseThrow();
        assertEquals(300, run.path("lastStep").asLong());
        JsonNode ps = run.path("predictors");
        assertEquals(3, ps.size());
        assertEquals(List.of(100L, 200L, 300L), List.of(ps.get(0).path("step").asLong(),
                ps.get(1).path("step").asLong(), ps.get(2).path("step").asLong()));
        assertEquals(50.0, ps.get(0).path("rankMe").asDouble());
        assertEquals(42.0, ps.get(1).path("rankMe").asDouble());
        assertEquals(6.5, ps.get(1).path("participationRatio").asDouble());
        assertEquals(31.0, ps.get(1).path("parameterL2Norm").asDouble());
        assertEquals(1, ps.get(1).path("layer").asInt());
        assertEquals(33.0, ps.get(2).path("parameterL2Norm").asDouble());
        assertTrue(ps.get(2).path("rankMe").isNull() && ps.get(2).path("participationRatio").isNull()
                && ps.get(2).path("layer").isNull(), ps.get(2).toString());
        assertEquals(List.of("step", "parameterL2Norm", "rankMe", "participationRatio", "layer"),
                iterate(ps.get(0).fieldNames()));

        // a run without predictor records still has the (empty) list; a NaN norm is shown as missing
        views.apply(ready("q", 50));
        assertEquals(0, views.runJson("q").orElseThrow().path("predictors").size());
        views.apply(predictors("q", 50, Double.NaN, -1, 3.0, 2.0));
        JsonNode q = views.runJson("q").orElseThrow().path("predictors").get(0);
        assertTrue(q.path("parameterL2Norm").isNull());
        assertEquals(-1, q.path("layer").asInt());
    }

    @Test
    void keepsOnlyTheNewestPredictorSteps() {
        RunViews views = new RunViews(new RunViews.Limits(2, 3, 3, 3, 3));
        for (long step = 10; step >= 1; step--) {
            views.apply(predictors("a", step * 10, step, 0, 1.0, 1.0));
        }
        JsonNode ps = views.runJson("a").orElseThrow().path("predictors");
        assertEquals(List.of(80L, 90L, 100L), List.of(ps.get(0).path("step").asLong(),
                ps.get(1).path("step").asLong(), ps.get(2).path("step").asLong()));
    }

    private static List<String> iterate(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
