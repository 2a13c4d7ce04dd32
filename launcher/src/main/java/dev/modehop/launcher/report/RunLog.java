package dev.modehop.launcher.report;

import dev.modehop.core.DataSelection;
import dev.modehop.dashboard.DataSelectionInputs;
import dev.modehop.events.CheckpointPredictors;
import dev.modehop.events.CheckpointRanking;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.DataWindow;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.events.SourceStatistics;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * One run as the topics hold it, read once from the beginning to the current end (committed records only):
 * what the reports need of its checkpoints, windows, observations, hops, verdicts, predictors, latest ranking
 * and latest source statistics. Records are keyed by run id, so only the run's partition of each topic is read.
 */
public final class RunLog {
    public final String runId;
    /** step -> checkpoint folder (the announcement's uri). */
    public final TreeMap<Long, String> checkpoints = new TreeMap<>();
    public final Map<String, dev.modehop.core.DataWindow> windows = new LinkedHashMap<>();
    /** family -> step -> soft score, for counted families (those with modes). */
    public final TreeMap<String, TreeMap<Long, Double>> soft = new TreeMap<>();
    public final Map<String, ModeHop> hops = new LinkedHashMap<>();
    public final Map<String, HopStability> verdicts = new HashMap<>();
    public final TreeMap<Long, CheckpointPredictors> predictors = new TreeMap<>();
    public CheckpointRanking ranking;
    public SourceStatistics sources;
    /** The stream job's latest predictor test of the run, or null when none was published. */
    public dev.modehop.events.PredictorEvaluation predictorTest;

    public RunLog(String runId) {
        this.runId = runId;
    }

    /** Reads the run from every topic a report needs; fails when that takes longer than {@code timeout}. */
    public static RunLog read(String bootstrap, Topics topics, String runId, Duration timeout) {
        RunLog log = new RunLog(runId);
        List<Topic<?>> wanted = List.of(topics.checkpointReady, topics.dataWindowClosed, topics.modeObserved,
                topics.hopDetected, topics.hopStability, topics.checkpointPredictors, topics.checkpointRanked,
                topics.sourceStatistics, topics.predictorTest);
        Map<String, Topic<?>> byName = new HashMap<>();
        wanted.forEach(t -> byName.put(t.name(), t));
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "modehop-report-" + UUID.randomUUID());
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cfg, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            byte[] key = runId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            List<TopicPartition> parts = new ArrayList<>();
            for (Topic<?> t : wanted) {
                List<PartitionInfo> infos = consumer.partitionsFor(t.name(), timeout);
                if (infos != null && !infos.isEmpty()) {
                    // the default partitioner's choice for a keyed record
                    parts.add(new TopicPartition(t.name(), Utils.toPositive(Utils.murmur2(key)) % infos.size()));
                }
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            while (parts.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read run '" + runId + "' from the topics within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!runId.equals(r.key()) || r.value() == null) {
                        continue;
                    }
                    try {
                        log.apply(byName.get(r.topic()).valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    } catch (RuntimeException e) {
                        // a record the stream job would have dead-lettered; a report goes on without it
                        System.err.printf("modehop: skipped a record of %s at offset %d: %s%n", r.topic(), r.offset(), e);
                    }
                }
            }
        }
        return log;
    }

    /** Folds one decoded record of the run in. */
    /** The published predictor test as core's results, or null when none. */
    public List<dev.modehop.core.PredictorEvaluation.Result> publishedPredictorTest() {
        return predictorTest == null ? null : dev.modehop.dashboard.PredictorSeries.results(predictorTest);
    }

    public void apply(Object value) {
        if (value instanceof CheckpointReady c) {
            checkpoints.put(c.getStep(), c.getUri());
        } else if (value instanceof DataWindow w) {
            windows.put(w.getWindowId(), DataSelectionInputs.window(w));
        } else if (value instanceof ModeObservation m) {
            if (m.getItems() != null && !m.getLate()) {
                soft.computeIfAbsent(m.getSeries(), s -> new TreeMap<>()).put(m.getStep(), m.getSoftScore());
            }
        } else if (value instanceof ModeHop h) {
            hops.put(h.getId(), h);
        } else if (value instanceof HopStability v) {
            verdicts.put(v.getHopId(), v);
        } else if (value instanceof CheckpointPredictors p) {
            predictors.put(p.getStep(), p);
        } else if (value instanceof CheckpointRanking r) {
            if (ranking == null || r.getAsOfStep() >= ranking.getAsOfStep()) {
                ranking = r;
            }
        } else if (value instanceof dev.modehop.events.PredictorEvaluation t) {
            if (predictorTest == null || t.getCheckpointsPaired() >= predictorTest.getCheckpointsPaired()) {
                predictorTest = t;
            }
        } else if (value instanceof SourceStatistics s) {
            if (sources == null || s.getAsOfStep() >= sources.getAsOfStep()) {
                sources = s;
            }
        }
    }

    public boolean isEmpty() {
        return checkpoints.isEmpty() && hops.isEmpty() && soft.isEmpty();
    }

    /** The hops with their verdicts (PENDING while undecided), as data selection reads them. */
    public List<DataSelection.Move> moves() {
        List<DataSelection.Move> out = new ArrayList<>();
        for (ModeHop h : hops.values()) {
            out.add(DataSelectionInputs.move(h, verdicts.get(h.getId())));
        }
        return out;
    }

    public List<dev.modehop.core.DataWindow> windowList() {
        return new ArrayList<>(windows.values());
    }
}
