package dev.modehop.faults;

import dev.modehop.launcher.HistoryReplay;
import dev.modehop.launcher.history.History;
import dev.modehop.launcher.history.HistoryReader;
import dev.modehop.producers.sdk.EventPublisher;
import dev.modehop.schemas.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for training jobs and scorers: replays recorded histories as runs, one after another, paced so
 * that the faults fall in the middle of the stream, until told to finish (after at least {@code minRuns}).
 * Every run it publishes is added to the reference.
 */
final class Workload implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("modehop.repo.root", ".."));
    /** One series, 40 checkpoints, 4 hops (3 STABLE, 1 TRANSIENT). */
    static final Path FLIPPED = ROOT.resolve("examples/flipped-hops.csv");
    /** Pythia-160M's lm-eval results, 87 series, 27 checkpoints, 12 hops: shipped in examples/. */
    static final Path PYTHIA = ROOT.resolve("examples/lm-eval/pythia-160m-zero-shot");

    final Reference reference = Reference.empty();
    private final AtomicBoolean finish = new AtomicBoolean();
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    Workload(String bootstrapServers, Topics topics, int minRuns, long delayMs, Map<String, Object> producerOverrides) {
        List<History> histories;
        try {
            histories = List.of(HistoryReader.read(PYTHIA), HistoryReader.read(FLIPPED), HistoryReader.read(FLIPPED));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the histories", e);
        }
        thread = new Thread(() -> {
            try (EventPublisher publisher = new EventPublisher(bootstrapServers, producerOverrides)) {
                for (int i = 0; !finish.get() || i < minRuns; i++) {
                    History h = histories.get(i % histories.size());
                    String runId = "run-" + i;
                    synchronized (reference) {
                        reference.add(h, runId);
                    }
                    HistoryReplay.publish(h, runId, topics, publisher, delayMs, null);
                    runs.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "workload");
        thread.setDaemon(true);
        thread.start();
    }

    /** Lets the current run end and stops; throws what the publisher reported (records not written). */
    int finish(long timeoutMs) throws InterruptedException {
        finish.set(true);
        thread.join(timeoutMs);
        if (thread.isAlive()) {
            throw new AssertionError("the workload did not finish within " + timeoutMs + " ms");
        }
        if (failure.get() != null) {
            throw new AssertionError("the workload failed: " + failure.get(), failure.get());
        }
        return runs.get();
    }

    @Override
    public void close() {
        finish.set(true);
        thread.interrupt();
    }
}
