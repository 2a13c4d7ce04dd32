package dev.modehop.core;

import java.util.List;

/** A read-only view of a run for queries and dashboards. */
public record RunSummary(String runId, long lastProcessedStep, List<Output.ModeObservation> currentModes,
                         List<RunState.HopRecord> hops, long bestStep, double bestScore,
                         List<Output.RankedCheckpoint> leaderboard, SourceStatistics sources,
                         long skippedCheckpoints, int checkpointsWaiting) {
}
