package dev.modehop.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run keeps besides its series and results, read only when a checkpoint is processed or a window
 * arrives: the data windows (bounded, {@link WindowAttribution}), source statistics and the ranking state.
 */
public final class RunExtras {
    public List<TrainingWindow> windows = new ArrayList<>();
    public SourceStatistics sources = new SourceStatistics();
    public CheckpointRanker.State ranking = new CheckpointRanker.State();
}
