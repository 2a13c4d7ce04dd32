package dev.modehop.producers.sdk;

import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.DataWindow;
import dev.modehop.events.RunFinished;
import dev.modehop.schemas.TopicReader;
import dev.modehop.schemas.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * What a training job needs from modehop: announce checkpoints and data windows, and receive the
 * control commands (PAUSE, RESUME, ADJUST_MIXTURE) that the monitor sends to its run.
 *
 * <p>Data windows may be announced as soon as their mixture is fixed (at their start, with the planned
 * end); announcing the same window id again replaces it, e.g. when a control command cuts it short. Hops
 * can only be attributed to windows the monitor has already heard of.
 *
 * <p>Every announcement is written with an idempotent {@code acks=all} producer and waited for: when the
 * broker did not acknowledge it within the delivery timeout (30 s), the call throws
 * {@link UndeliveredRecordsException} instead of returning, so the training job knows it was not announced.
 */
public final class TrainingRunClient implements AutoCloseable {
    private final String runId;
    private final Topics topics;
    private final EventPublisher publisher;
    private final String bootstrapServers;
    private final Map<String, ?> clientOverrides;
    private TopicReader controls;

    public TrainingRunClient(String runId, Topics topics, String bootstrapServers, Map<String, ?> clientOverrides) {
        this.runId = runId;
        this.topics = topics;
        this.bootstrapServers = bootstrapServers;
        this.clientOverrides = clientOverrides;
        this.publisher = new EventPublisher(bootstrapServers, clientOverrides);
    }

    public String runId() {
        return runId;
    }

    public void checkpointReady(long step, long tokensSeen, String uri, Double trainLoss) {
        checkpointReady(step, tokensSeen, uri, trainLoss, null);
    }

    /** As above, naming the probe suite to score it on (null: the scorers' default). */
    public void checkpointReady(long step, long tokensSeen, String uri, Double trainLoss, String suite) {
        publisher.sendAndWait(topics.checkpointReady, runId, CheckpointReady.newBuilder().setRunId(runId).setStep(step)
                .setTokensSeen(tokensSeen).setUri(uri).setFormat("hf-safetensors").setTrainLoss(trainLoss)
                .setSuite(suite).setProducedAt(System.currentTimeMillis()).build());
    }

    public void dataWindow(String windowId, long startStep, long endStep, long tokens, Map<String, Double> mixture) {
        publisher.sendAndWait(topics.dataWindowClosed, runId, DataWindow.newBuilder().setRunId(runId)
                .setWindowId(windowId).setStartStep(startStep).setEndStep(endStep).setTokens(tokens)
                .setMixture(new HashMap<>(mixture)).setProducedAt(System.currentTimeMillis()).build());
    }

    /**
     * Says the run is done: no more checkpoints will come. Optional; dashboards then show the run FINISHED
     * instead of IDLE after a silence.
     *
     * @param lastStep the last optimizer step taken
     * @param reason   free text, e.g. "completed" or "diverged"
     */
    public void runFinished(long lastStep, String reason) {
        publisher.sendAndWait(topics.runFinished, runId, RunFinished.newBuilder().setRunId(runId).setStep(lastStep)
                .setReason(reason == null ? "" : reason).setProducedAt(System.currentTimeMillis()).build());
    }

    /**
     * Calls {@code handler} (on a background thread) for each control command addressed to this run that
     * is published from now on. Reads committed records only.
     */
    public synchronized void onControl(Consumer<ControlCommand> handler) {
        if (controls != null) {
            throw new IllegalStateException("a control handler is already registered");
        }
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.putAll(clientOverrides);
        controls = TopicReader.fromNow("modehop-control-" + runId, cfg, topics.runControl, r -> {
            if (runId.equals(r.key())) {
                handler.accept((ControlCommand) r.value());
            }
        }).start();
    }

    public EventPublisher publisher() {
        return publisher;
    }

    @Override
    public synchronized void close() {
        if (controls != null) {
            controls.close();
        }
        publisher.close();
    }
}
