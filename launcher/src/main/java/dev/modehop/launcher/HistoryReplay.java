package dev.modehop.launcher;

import dev.modehop.core.OfflineDetection;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ProbeScore;
import dev.modehop.launcher.history.History;
import dev.modehop.producers.sdk.EventPublisher;
import dev.modehop.producers.sdk.UndeliveredRecordsException;
import dev.modehop.schemas.ProbeScores;
import dev.modehop.schemas.Topics;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Publishes a recorded history as the events a live run would produce: per checkpoint a checkpoint.ready
 * and one probe.scored per series. Series with a probe detail (GDsuite results) keep their family, task,
 * seeds and margin (as the soft score); other series with item counts become probe families; the rest become
 * plain series ({@code family/task} split at the first '/').
 */
public final class HistoryReplay {
    private HistoryReplay() {
    }

    /**
     * Publishes every checkpoint and waits for every acknowledgement. Stops at the first record the broker
     * did not take (the rest would only fail after the same timeout).
     *
     * @return the number of checkpoints published
     * @throws UndeliveredRecordsException with the count of the history's records not written
     */
    public static int publish(History history, String runId, Topics topics, EventPublisher publisher, long delayMs,
                              PrintStream progress) {
        Map<Long, List<OfflineDetection.Point>> steps = history.byStep();
        long total = steps.values().stream().mapToLong(points -> 1 + points.size()).sum();
        long before = publisher.delivery().acknowledged();
        int done = 0;
        RuntimeException stopped = null;
        try {
            done = publishSteps(steps, history, runId, topics, publisher, delayMs, progress);
        } catch (RuntimeException e) {
            stopped = e;
        }
        publisher.flush();
        EventPublisher.Delivery d = publisher.delivery();
        long written = d.acknowledged() - before;
        if (written < total) {
            throw new UndeliveredRecordsException(total - written, total, d.firstError() != null ? d.firstError() : stopped);
        }
        return done;
    }

    private static int publishSteps(Map<Long, List<OfflineDetection.Point>> steps, History history, String runId,
                                    Topics topics, EventPublisher publisher, long delayMs, PrintStream progress) {
        int done = 0;
        for (Map.Entry<Long, List<OfflineDetection.Point>> e : steps.entrySet()) {
            long step = e.getKey();
            long now = System.currentTimeMillis();
            publisher.send(topics.checkpointReady, runId, CheckpointReady.newBuilder().setRunId(runId).setStep(step)
                    .setTokensSeen(history.tokensSeen().getOrDefault(step, 0L))
                    .setUri(dev.modehop.core.CheckpointReady.recordedUri(history.source(), step)).setProducedAt(now).build());
            List<OfflineDetection.Point> points = e.getValue();
            for (OfflineDetection.Point p : points) {
                publisher.send(topics.probeScored, runId, score(runId, step, p, history.details().get(p), points.size(), now));
            }
            done++;
            if (progress != null && (done % 10 == 0 || done == steps.size())) {
                progress.printf("replay: %d/%d checkpoints published (step %d)%n", done, steps.size(), step);
            }
            if (delayMs > 0) {
                publisher.flush();
                if (publisher.delivery().failed() > 0) {
                    break;
                }
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return done;
    }

    /** @param detail the probe task behind {@code p} (family, task, seeds, margin) where the history has it */
    static ProbeScore score(String runId, long step, OfflineDetection.Point p, History.ProbeDetail detail, int taskCount,
                            long now) {
        if (detail != null) {
            return ProbeScores.of(runId, step, "replay", detail.family(), detail.task(), p.value())
                    .setSeedCount(detail.seeds()).setItems(p.items()).setSoftScore(detail.margin())
                    .setLogProbMargin(Double.isFinite(detail.logProbMargin()) ? detail.logProbMargin() : null)
                    .setStderr(Double.isFinite(p.stderr()) ? p.stderr() : null)
                    .setTaskCount(taskCount).setScorerId("replay").setProducedAt(now).build();
        }
        boolean counted = p.items() != null;
        int slash = p.series().indexOf('/');
        String family = counted || slash < 0 ? p.series() : p.series().substring(0, slash);
        String task = counted ? "main" : slash < 0 ? p.series() : p.series().substring(slash + 1);
        return ProbeScores.of(runId, step, "replay", family, task, p.value()).setItems(p.items())
                .setSoftScore(counted ? 2 * p.value() - 1 : p.value())
                .setStderr(Double.isFinite(p.stderr()) ? p.stderr() : null).setTaskCount(taskCount)
                .setScorerId("replay").setProducedAt(now).build();
    }
}
