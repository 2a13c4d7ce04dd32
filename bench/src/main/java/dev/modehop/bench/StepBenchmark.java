package dev.modehop.bench;

import dev.modehop.core.MonitorConfig;
import dev.modehop.core.RunMonitor;
import dev.modehop.embedded.EmbeddedSchemaRegistry;
import dev.modehop.embedded.bench.BenchmarkArgs;
import dev.modehop.events.CheckpointReady;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import dev.modehop.step.MemoryRunStore;
import dev.modehop.step.MonitorStep;
import dev.modehop.step.PartCodec;
import dev.modehop.step.PartCache;
import dev.modehop.step.RunStore;
import dev.modehop.step.StepInput;
import dev.modehop.step.StepSettings;
import dev.modehop.schemas.ProbeScores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The monitor step alone, in process, on an in-memory store: cost per input record for one run of N series,
 * against a baseline that rewrites the whole run's state on every record (what the job did before state was
 * stored per part): the same step, plus writing all of the run's parts as one JSON document after each record
 * (parts it changed are parsed into that document; its cost is mostly the whole-state encoding).
 */
public final class StepBenchmark {
    private StepBenchmark() {
    }

    /**
     * The in-memory store; with {@code wholeState}, it also keeps every part as a parsed tree and, after each
     * record, writes the whole run as one JSON document, as the job used to, counting only those bytes.
     */
    static final class MemoryStore implements RunStore {
        final MemoryRunStore parts;
        final TreeMap<String, com.fasterxml.jackson.databind.JsonNode> trees = new TreeMap<>();
        final boolean wholeState;
        long wholeBytes;
        /** Per kind of part ({@code h}, {@code s/}, {@code x/ranking}...): writes and bytes written. */
        final TreeMap<String, long[]> kinds = new TreeMap<>();

        /** With {@code writeBack}, decoded parts are kept in a write-back cache whose held parts come here. */
        private final PartCache writingBack;

        MemoryStore(boolean wholeState, PartCache decoded, boolean writeBack) {
            this.parts = new MemoryRunStore(decoded);
            this.wholeState = wholeState;
            this.writingBack = writeBack ? PartCache.writingBack(PartCache.DEFAULT_CAPACITY, this::put) : null;
        }

        long bytesWritten() {
            return wholeState ? wholeBytes : parts.bytesWritten();
        }

        @Override
        public PartCache decoded() {
            return writingBack != null ? writingBack : parts.decoded();
        }

        @Override
        public byte[] get(String name) {
            return parts.get(name);
        }

        @Override
        public void put(String name, byte[] value) {
            parts.put(name, value);
            long[] kind = kinds.computeIfAbsent(kindOf(name), k -> new long[2]);
            kind[0]++;
            kind[1] += value.length;
            if (wholeState) {
                try {
                    trees.put(name, PartCodec.jsonMapper().readTree(value));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public void delete(String name) {
            parts.delete(name);
            trees.remove(name);
            if (writingBack != null) {
                writingBack.forget(name);
            }
        }

        @Override
        public List<String> names(String prefix) {
            return parts.names(prefix);
        }

        /** A part's name without what tells one of its kind from another: {@code s/family0} is an {@code s/}. */
        static String kindOf(String name) {
            int slash = name.indexOf('/');
            return name.startsWith("x/") || slash < 0 ? name : name.substring(0, slash + 1);
        }

        void writeWholeState() {
            try {
                wholeBytes += PartCodec.jsonMapper().writeValueAsBytes(trees).length;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int records = BenchmarkArgs.intArg(args, "--records", 40_000);
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            Topics topics = Topics.create("", Map.of(AvroSerdes.REGISTRY_URL, registry.url()));
            System.out.printf("one run, %d input records per row after %d of warm-up, in process%n", records, records);
            int every = BenchmarkArgs.intArg(args, "--write-back-every", 64);
            System.out.println("| series per run | per part, written back every " + every + " records (as the Kafka"
                    + " Streams job): us/record | bytes/record | per part, Smile, decoded parts kept (as the Flink"
                    + " job): us/record | per part, Smile, every read decoded: us/record | bytes/record"
                    + " | per part, JSON: us/record | bytes/record | whole state, JSON: us/record | bytes/record |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            boolean partsOnly = java.util.Arrays.asList(args).contains("--parts-only");
            Map<Integer, Measured> keptBySeries = new TreeMap<>();
            for (int series : new int[] {4, 20, 100}) {
                Measured back = run(topics, series, 0, records, PartCodec.binary(), false, true, every);
                Measured kept = run(topics, series, 0, records, PartCodec.binary(), false, true, 0);
                keptBySeries.put(series, kept);
                Measured smile = run(topics, series, 0, records, PartCodec.binary(), false, false, 0);
                if (partsOnly) {
                    System.out.printf("| %d | %.1f | %.0f | %.1f | %.1f | %.0f | | | | |%n", series, back.us(),
                            back.bytes(), kept.us(), smile.us(), smile.bytes());
                    continue;
                }
                Measured json = run(topics, series, 0, records, PartCodec.json(), false, false, 0);
                Measured whole = run(topics, series, 0, records, PartCodec.json(), true, false, 0);
                System.out.printf("| %d | %.1f | %.0f | %.1f | %.1f | %.0f | %.1f | %.0f | %.1f | %.0f |%n", series,
                        back.us(), back.bytes(), kept.us(), smile.us(), smile.bytes(), json.us(), json.bytes(),
                        whole.us(), whole.bytes());
            }
            // Announcements ahead of scores: a training job announces checkpoints faster than a scorer scores
            // them, so several wait at once; the cost of a record should not grow with how many.
            System.out.println();
            System.out.println("| checkpoints announced ahead of their scores (4 series) | Smile, parts kept: us/record"
                    + " | bytes/record |");
            System.out.println("|---|---|---|");
            for (int ahead : new int[] {0, 16, 64}) {
                Measured r = run(topics, 4, ahead, records, PartCodec.binary(), false, true, 0);
                System.out.printf("| %d | %.1f | %.0f |%n", ahead, r.us(), r.bytes());
            }
            // What each kind of part weighs, from the runs with decoded parts kept: where the bytes (and most of
            // the encoding) of a record go.
            System.out.println();
            System.out.println("| series per run | part | writes per 100 records | bytes per write | share of bytes |");
            System.out.println("|---|---|---|---|---|");
            for (Map.Entry<Integer, Measured> e : keptBySeries.entrySet()) {
                long total = 0;
                for (long[] kind : e.getValue().kinds().values()) {
                    total += kind[1];
                }
                for (Map.Entry<String, long[]> kind : e.getValue().kinds().entrySet()) {
                    long[] k = kind.getValue();
                    System.out.printf("| %d | %s | %.1f | %.0f | %.1f%% |%n", e.getKey(), kind.getKey(),
                            100.0 * k[0] / records, k[1] / (double) k[0], 100.0 * k[1] / total);
                }
            }
        }
    }

    /** Per record over the measured records: microseconds, bytes written, and per kind of part writes and bytes. */
    record Measured(double us, double bytes, TreeMap<String, long[]> kinds) {
    }

    /**
     * {@code records} measured after as many of warm-up; with {@code writeBackEvery} above 0, parts are kept in a
     * write-back cache and written back every so many records (as the Kafka Streams job does at each commit).
     */
    static Measured run(Topics topics, int series, int ahead, int records, PartCodec codec, boolean rewriteAll,
                         boolean kept, int writeBackEvery) {
        MonitorStep step = new MonitorStep(topics, new RunMonitor(MonitorConfig.defaults()),
                StepSettings.builder().codec(codec).build());
        MemoryStore store = new MemoryStore(rewriteAll, kept && writeBackEvery == 0
                ? new PartCache(PartCache.DEFAULT_CAPACITY) : null, writeBackEvery > 0);
        List<StepInput> inputs = inputs(topics, series, ahead, 2 * records);
        long t0 = 0;
        long bytes0 = 0;
        for (int i = 0; i < inputs.size(); i++) {
            if (i == records) {
                t0 = System.nanoTime();
                bytes0 = store.bytesWritten();
                store.kinds.clear();
            }
            step.onRecord(store, inputs.get(i));
            if (writeBackEvery > 0 && (i + 1) % writeBackEvery == 0) {
                store.decoded().writeBack();
            }
            if (rewriteAll) {
                store.writeWholeState();
            }
        }
        long ns = System.nanoTime() - t0;
        return new Measured(ns / 1e3 / records, (store.bytesWritten() - bytes0) / (double) records, store.kinds);
    }

    @SuppressWarnings("unchecked")
    private static List<StepInput> inputs(Topics topics, int series, int ahead, int count) {
        List<StepInput> out = new ArrayList<>(count);
        long t = 1_767_225_600_000L;
        for (int c = 1; c <= ahead; c++) {
            out.add(ready(topics, c, out.size(), t));
        }
        for (int c = 1; out.size() < count; c++) {
            long stepNo = 50L * c;
            out.add(ready(topics, c + ahead, out.size(), t));
            for (int f = 0; f < series && out.size() < count; f++) {
                double acc = ((c + f) / 10) % 2 == 0 ? 0.95 : 0.05;
                out.add(input(topics.probeScored, ProbeScores.counted("run", stepNo, "bench", "family" + f, "main", 512,
                        acc, 2 * acc - 1).setTaskCount(series).setProducedAt(t + c).build(), out.size(), t + c));
            }
        }
        return out;
    }

    /** Checkpoint {@code c}'s announcement. */
    private static StepInput ready(Topics topics, int c, long offset, long t) {
        long stepNo = 50L * c;
        return input(topics.checkpointReady, CheckpointReady.newBuilder().setRunId("run").setStep(stepNo)
                .setUri("/ckpt/" + stepNo).setProducedAt(t + c).build(), offset, t + c);
    }

    @SuppressWarnings("unchecked")
    private static StepInput input(Topic<?> topic, Object value, long offset, long at) {
        byte[] bytes = ((Serializer<Object>) topic.valueSerde().serializer()).serialize(topic.name(), value);
        return new StepInput(topic.name(), 0, offset, at, "run", bytes, new RecordHeaders());
    }
}
