package dev.modehop.step;

import java.util.List;

/**
 * What one call of the {@link MonitorStep} asks of its engine: write {@code outputs} in order (the run's parts
 * were already written through its {@link RunStore}); if {@code deleteRun}, drop everything stored for the run
 * and its timer; else call {@link MonitorStep#onDeadline} at event time {@code nextDeadline} (-1: no call,
 * {@link MonitorStep#UNCHANGED}: keep the timer as it is). {@code inputTime} is the input's event time (its
 * producer time), -1 for a deadline or an input that could not be read; engines without watermarks advance
 * their event-time clock with it.
 */
public record StepResult(List<Outgoing> outputs, boolean deleteRun, long nextDeadline, long inputTime) {
}
