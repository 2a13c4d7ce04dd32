package dev.modehop.core;

import java.util.List;

/** What one checkpoint did to one series: its observation, the hop it made (or null) and decided verdicts. */
public record SeriesUpdate(Output.ModeObservation observation, Output.ModeHop hop, List<Output.HopStability> verdicts) {
}
