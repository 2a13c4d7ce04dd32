package dev.modehop.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.events.Alert;
import dev.modehop.events.AttributedWindow;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointRanking;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.DataWindow;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.ProbeScore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the dashboard knows about every run, rebuilt from the topics and bounded in memory: old points,
 * windows and hops of a run fall off first, and the least recently active runs go when there are too many.
 * Records may arrive in any order across topics (a verdict before its hop, scores before their
 * checkpoint); each piece is kept under its own key and joined when rendered. Thread-safe.
 */
public final class RunViews {
    /** Caps on what one dashboard keeps; the newest entries win. */
    public record Limits(int runs, int pointsPerSeries, int windowsPerRun, int hopsPerRun, int recentEvents) {
        public static Limits defaults() {
            return new Limits(200, 5000, 2000, 1000, 100);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Limits limits;
    /** Access order, so the least recently updated run is evicted first. */
    private final LinkedHashMap<String, RunView> runs = new LinkedHashMap<>(16, 0.75f, true);

    public RunViews(Limits limits) {
        this.limits = limits;
    }

    public RunViews() {
        this(Limits.defaults());
    }

    /**
     * Folds one record of any modehop topic into the view.
     *
     * @return the run id it belongs to, or empty when the record type is not one the dashboard shows
     */
    public synchronized Optional<String> apply(Object record) {
        String runId;
        if (record instanceof CheckpointReady r) {
            runId = r.getRunId();
            run(runId).checkpoint(r);
        } else if (record instanceof ProbeScore r) {
            runId = r.getRunId();
            run(runId).score(r);
        } else if (record instanceof CheckpointPredictors r) {
            runId = r.getRunId();
            run(runId).predictors(r);
        } else if (record instanceof ModeObservation r) {
            runId = r.getRunId();
            run(runId).observation(r);
        } else if (record instanceof ModeHop r) {
            runId = r.getRunId();
            run(runId).hop(r);
        } else if (record instanceof HopStability r) {
            runId = r.getRunId();
            run(runId).verdict(r);
        } else if (record instanceof DataWindow r) {
            runId = r.getRunId();
            run(runId).window(r);
        } else if (record instanceof CheckpointRanking r) {
            runId = r.getRunId();
            run(runId).ranking(r);
        } else if (record instanceof Alert r) {
            runId = r.getRunId();
            run(runId).alert(r);
        } else if (record instanceof ControlCommand r) {
            runId = r.getRunId();
            run(runId).control(r);
        } else {
            return Optional.empty();
        }
        return Optional.of(runId);
    }

    public synchronized boolean contains(String runId) {
        return runs.containsKey(runId);
    }

    /** The last checkpoint step seen for a run, 0 when none. */
    public synchronized long lastStep(String runId) {
        RunView run = runs.get(runId);
        return run == null ? 0 : run.lastStep;
    }

    /** {@code {"runs":[...]}}: one summary per run, most recently active first. */
    public synchronized ObjectNode runsJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("runs");
        List<RunView> newestFirst = new ArrayList<>(runs.values());
        java.util.Collections.reverse(newestFirst);
        for (RunView run : newestFirst) {
            run.summary(list.addObject());
        }
        return root;
    }

    /** The full view of one run, or empty when the run is unknown. */
    public synchronized Optional<ObjectNode> runJson(String runId) {
        // get() would count as an access and reorder the runs list; peek instead.
        RunView run = null;
        for (Map.Entry<String, RunView> e : runs.entrySet()) {
            if (e.getKey().equals(runId)) {
                run = e.getValue();
                break;
            }
        }
        if (run == null) {
            return Optional.empty();
        }
        ObjectNode root = JSON.createObjectNode();
        run.summary(root);
        run.detail(root);
        return Optional.of(root);
    }

    private RunView run(String runId) {
        RunView run = runs.computeIfAbsent(runId, RunView::new);
        while (runs.size() > limits.runs()) {
            Iterator<String> eldest = runs.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return run;
    }

    private static <K, V> void trimOldest(TreeMap<K, V> map, int max) {
        while (map.size() > max) {
            map.pollFirstEntry();
        }
    }

    private static <K, V> void trimOldest(LinkedHashMap<K, V> map, int max) {
        Iterator<K> it = map.keySet().iterator();
        while (map.size() > max && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** A point of one series at one checkpoint: per-task probe scores plus the job's mode, when known. */
    private static final class Point {
        final Map<String, double[]> tasks = new TreeMap<>(); // task -> {hard, soft, items or -1}
        ModeObservation observation;

        double hard() {
            return observation != null ? observation.getHardAccuracy() : weightedMean(0);
        }

        double soft() {
            return observation != null ? observation.getSoftScore() : weightedMean(1);
        }

        private double weightedMean(int field) {
            double sum = 0;
            double weight = 0;
            for (double[] t : tasks.values()) {
                double w = t[2] > 0 ? t[2] : 1;
                sum += t[field] * w;
                weight += w;
            }
            return weight == 0 ? Double.NaN : sum / weight;
        }
    }

    private final class RunView {
        final String runId;
        long lastStep;
        long lastTokens;
        long updatedAt;
        final TreeMap<Long, Long> tokensByStep = new TreeMap<>();
        /** The scorer's generalization predictors by step; a re-scored checkpoint's later record wins. */
        final TreeMap<Long, CheckpointPredictors> predictors = new TreeMap<>();
        final Map<String, TreeMap<Long, Point>> series = new TreeMap<>();
        final LinkedHashMap<String, ModeHop> hops = new LinkedHashMap<>();
        final LinkedHashMap<String, HopStability> verdicts = new LinkedHashMap<>();
        final TreeMap<String, DataWindow> windows = new TreeMap<>();
        CheckpointRanking ranking;
        final Deque<Alert> alerts = new ArrayDeque<>();
        final Deque<ControlCommand> controls = new ArrayDeque<>();

        RunView(String runId) {
            this.runId = runId;
        }

        /** A checkpoint step was seen (announced, scored or classified). */
        void touch(long step) {
            touch();
            lastStep = Math.max(lastStep, step);
        }

        /** Derived output (hops, verdicts, rankings...) changed; it names steps but announces none. */
        void touch() {
            updatedAt = System.currentTimeMillis();
        }

        void checkpoint(CheckpointReady r) {
            tokensByStep.put(r.getStep(), r.getTokensSeen());
            trimOldest(tokensByStep, limits.pointsPerSeries());
            if (r.getStep() >= lastStep) {
                lastTokens = r.getTokensSeen();
            }
            touch(r.getStep());
        }

        void score(ProbeScore r) {
            String name = r.getItems() == null ? r.getFamily() + "/" + r.getTask() : r.getFamily();
            Integer items = r.getItems();
            point(name, r.getStep()).tasks.put(r.getTask(),
                    new double[] {r.getHardAccuracy(), r.getSoftScore(), items == null ? -1 : items});
            touch(r.getStep());
        }

        void predictors(CheckpointPredictors r) {
            predictors.put(r.getStep(), r);
            trimOldest(predictors, limits.pointsPerSeries());
            touch(r.getStep());
        }

        void observation(ModeObservation r) {
            point(r.getSeries(), r.getStep()).observation = r;
            touch(r.getStep());
        }

        private Point point(String name, long step) {
            TreeMap<Long, Point> points = series.computeIfAbsent(name, n -> new TreeMap<>());
            Point p = points.computeIfAbsent(step, s -> new Point());
            trimOldest(points, limits.pointsPerSeries());
            return p;
        }

        void hop(ModeHop r) {
            hops.put(r.getId(), r);
            trimOldest(hops, limits.hopsPerRun());
            touch();
        }

        void verdict(HopStability r) {
            verdicts.remove(r.getHopId());
            verdicts.put(r.getHopId(), r);
            // a verdict may come before its hop (other topic), so keep a little more than the hops kept
            trimOldest(verdicts, 2 * limits.hopsPerRun());
            touch();
        }

        void window(DataWindow r) {
            windows.put(r.getWindowId(), r);
            if (windows.size() > limits.windowsPerRun()) {
                windows.values().stream().min(Comparator.comparingLong(DataWindow::getStartStep))
                        .ifPresent(w -> windows.remove(w.getWindowId()));
            }
            touch();
        }

        void ranking(CheckpointRanking r) {
            if (ranking == null || r.getAsOfStep() >= ranking.getAsOfStep()) {
                ranking = r;
            }
            touch();
        }

        void alert(Alert r) {
            alerts.removeIf(a -> a.getId().equals(r.getId()));
            alerts.addLast(r);
            while (alerts.size() > limits.recentEvents()) {
                alerts.removeFirst();
            }
            touch();
        }

        void control(ControlCommand r) {
            controls.removeIf(c -> c.getId().equals(r.getId()));
            controls.addLast(r);
            while (controls.size() > limits.recentEvents()) {
                controls.removeFirst();
            }
            touch();
        }

        String verdictOf(String hopId) {
            HopStability v = verdicts.get(hopId);
            return v == null ? "PENDING" : v.getVerdict().name();
        }

        /** PAUSED after a PAUSE command that no RESUME followed, else RUNNING. */
        String state() {
            for (Iterator<ControlCommand> it = controls.descendingIterator(); it.hasNext(); ) {
                switch (it.next().getAction()) {
                    case PAUSE:
                        return "PAUSED";
                    case RESUME:
                        return "RUNNING";
                    default:
                        break;
                }
            }
            return "RUNNING";
        }

        void summary(ObjectNode o) {
            o.put("runId", runId);
            o.put("state", state());
            o.put("lastStep", lastStep);
            o.put("lastTokens", lastTokens);
            o.put("updatedAt", updatedAt);
            ArrayNode families = o.putArray("families");
            series.keySet().forEach(families::add);
            o.put("hopCount", hops.size());
            ObjectNode byVerdict = o.putObject("hopsByVerdict");
            byVerdict.put("STABLE", 0);
            byVerdict.put("TRANSIENT", 0);
            byVerdict.put("PENDING", 0);
            for (String hopId : hops.keySet()) {
                String v = verdictOf(hopId);
                byVerdict.put(v, byVerdict.path(v).asInt() + 1);
            }
            if (ranking != null) {
                ObjectNode best = o.putObject("best");
                best.put("step", ranking.getBestStep());
                best.put("score", ranking.getBestScore());
                Long tokens = tokensByStep.get(ranking.getBestStep());
                if (tokens != null) {
                    best.put("tokens", tokens);
                }
            } else {
                o.putNull("best");
            }
            o.put("alertCount", alerts.size());
        }

        void detail(ObjectNode o) {
            ArrayNode familyList = o.putArray("series");
            for (Map.Entry<String, TreeMap<Long, Point>> s : series.entrySet()) {
                ObjectNode f = familyList.addObject();
                f.put("name", s.getKey());
                ArrayNode points = f.putArray("points");
                for (Map.Entry<Long, Point> e : s.getValue().entrySet()) {
                    Point p = e.getValue();
                    ObjectNode pt = points.addObject();
                    pt.put("step", e.getKey());
                    Long tokens = tokensByStep.get(e.getKey());
                    if (tokens != null) {
                        pt.put("tokens", tokens);
                    } else {
                        pt.putNull("tokens");
                    }
                    putNumber(pt, "hardAccuracy", p.hard());
                    putNumber(pt, "softScore", p.soft());
                    if (p.observation != null) {
                        pt.put("mode", p.observation.getMode().name());
                        pt.put("confirmedMode", p.observation.getConfirmedMode().name());
                        pt.put("gapBefore", p.observation.getGapBefore());
                    } else {
                        pt.putNull("mode");
                        pt.putNull("confirmedMode");
                    }
                }
                ArrayNode seriesHops = f.putArray("hops");
                for (ModeHop h : hops.values()) {
                    if (h.getSeries().equals(s.getKey())) {
                        hopJson(seriesHops.addObject(), h);
                    }
                }
            }
            ArrayNode predictorList = o.putArray("predictors");
            for (CheckpointPredictors p : predictors.values()) {
                ObjectNode po = predictorList.addObject();
                po.put("step", p.getStep());
                putNumber(po, "parameterL2Norm", p.getParameterL2Norm());
                putNumber(po, "rankMe", p.getRankMe());
                putNumber(po, "participationRatio", p.getParticipationRatio());
                po.put("layer", p.getLayer());
            }
            ArrayNode allHops = o.putArray("hops");
            hops.values().forEach(h -> hopJson(allHops.addObject(), h));
            ArrayNode windowList = o.putArray("windows");
            windows.values().stream().sorted(Comparator.comparingLong(DataWindow::getStartStep)).forEach(w -> {
                ObjectNode wo = windowList.addObject();
                wo.put("windowId", w.getWindowId());
                wo.put("startStep", w.getStartStep());
                wo.put("endStep", w.getEndStep());
                wo.put("tokens", w.getTokens());
                mixture(wo.putObject("mixture"), w.getMixture());
            });
            ObjectNode board = o.putObject("leaderboard");
            if (ranking != null) {
                board.put("asOfStep", ranking.getAsOfStep());
                board.put("bestStep", ranking.getBestStep());
                board.put("bestScore", ranking.getBestScore());
                ArrayNode entries = board.putArray("entries");
                ranking.getLeaderboard().forEach(c -> {
                    ObjectNode e = entries.addObject();
                    e.put("step", c.getStep());
                    e.put("score", c.getScore());
                });
            }
            ArrayNode alertList = o.putArray("alerts");
            alerts.descendingIterator().forEachRemaining(a -> {
                ObjectNode ao = alertList.addObject();
                ao.put("id", a.getId());
                ao.put("rule", a.getRule());
                ao.put("severity", a.getSeverity().name());
                ao.put("message", a.getMessage());
                ao.put("hopId", a.getHopId());
                ao.put("step", a.getStep());
            });
            ArrayNode controlList = o.putArray("controls");
            controls.descendingIterator().forEachRemaining(c -> {
                ObjectNode co = controlList.addObject();
                co.put("id", c.getId());
                co.put("action", c.getAction().name());
                mixture(co.putObject("mixture"), c.getMixture());
                co.put("reason", c.getReason());
                co.put("issuedBy", c.getIssuedBy());
                co.put("step", c.getStep());
                co.put("issuedAt", c.getIssuedAt());
            });
        }

        private void hopJson(ObjectNode h, ModeHop hop) {
            h.put("id", hop.getId());
            h.put("series", hop.getSeries());
            h.put("step", hop.getStep());
            h.put("prevStep", hop.getPrevStep());
            h.put("anchorStep", hop.getAnchorStep());
            h.put("direction", hop.getDirection().name());
            h.put("from", hop.getFrom() == null ? null : hop.getFrom().name());
            h.put("to", hop.getTo() == null ? null : hop.getTo().name());
            putNumber(h, "before", hop.getBefore());
            putNumber(h, "after", hop.getAfter());
            putNumber(h, "zScore", hop.getZScore());
            h.put("stability", verdictOf(hop.getId()));
            HopStability v = verdicts.get(hop.getId());
            if (v != null) {
                h.put("decidedAtStep", v.getDecidedAtStep());
                h.put("checkpointsObserved", v.getCheckpointsObserved());
            }
            ArrayNode ws = h.putArray("windows");
            for (AttributedWindow w : hop.getWindows()) {
                ObjectNode wo = ws.addObject();
                wo.put("windowId", w.getWindowId());
                wo.put("startStep", w.getStartStep());
                wo.put("endStep", w.getEndStep());
                mixture(wo.putObject("mixture"), w.getMixture());
            }
        }
    }

    private static void mixture(ObjectNode target, Map<? extends CharSequence, Double> mixture) {
        new TreeMap<String, Double>(mixture.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                e -> e.getKey().toString(), Map.Entry::getValue))).forEach(target::put);
    }

    /** JSON has no NaN or infinity; a score that is not a number (or not measured) is shown as missing. */
    private static void putNumber(ObjectNode o, String field, Double value) {
        if (value != null && Double.isFinite(value)) {
            o.put(field, value);
        } else {
            o.putNull(field);
        }
    }
}
