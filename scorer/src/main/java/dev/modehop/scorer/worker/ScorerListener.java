package dev.modehop.scorer.worker;

import java.time.Duration;
import java.util.Collection;
import org.apache.kafka.common.TopicPartition;

/**
 * Lets a service record what the worker does (metrics, readiness) without the worker knowing about metrics.
 * Called on the worker's thread; implementations must be quick and must not throw.
 */
public interface ScorerListener {
    ScorerListener NONE = new ScorerListener() {
    };

    /** The group gave this worker its partitions (possibly none: more workers than partitions). */
    default void onAssigned(Collection<TopicPartition> partitions) {
    }

    /**
     * One checkpoint's scores are on {@code probe.scored}.
     *
     * @param items          probe items scored
     * @param took           load and scoring of the checkpoint (what the record's duration says)
     * @param sinceAnnounced from the announcement's {@code producedAt} to now
     */
    default void onScored(int items, Duration took, Duration sinceAnnounced) {
    }

    /** A {@code checkpoint.ready} record went to its dead-letter topic. */
    default void onDeadLetter(String reason) {
    }
}
