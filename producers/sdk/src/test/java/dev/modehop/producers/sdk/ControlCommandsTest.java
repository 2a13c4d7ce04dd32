package dev.modehop.producers.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.embedded.EmbeddedServers;
import dev.modehop.events.ControlAction;
import dev.modehop.events.ControlCommand;
import dev.modehop.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A training job's control handler on a real broker: only its run's commands sent after it registered, in order,
 * past an undecodable record and a handler that failed once.
 */
class ControlCommandsTest {
    @RegisterExtension
    static final EmbeddedServers SERVERS = EmbeddedServers.brokerAndRegistry();

    private static ControlCommand command(String run, ControlAction action, long step) {
        return ControlCommand.newBuilder().setId(run + "/" + step + "/" + action).setRunId(run).setAction(action)
                .setStep(step).build();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theRunGetsItsOwnCommandsFromNowOnPastBadRecords() throws Exception {
        Topics topics = SERVERS.topics("");
        String bootstrap = SERVERS.kafka().bootstrapServers();
        SERVERS.kafka().createTopics(List.of(topics.runControl.name()), 3);
        List<ControlCommand> got = new CopyOnWriteArrayList<>();
        try (EventPublisher before = new EventPublisher(bootstrap, Map.of());
             TrainingRunClient client = new TrainingRunClient("r", topics, bootstrap, Map.of());
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                     new StringSerializer(), new ByteArraySerializer())) {
            before.sendAndWait(topics.runControl, "r", command("r", ControlAction.PAUSE, 10));
            boolean[] failedOnce = {false};
            client.onControl(c -> {
                if (c.getStep() == 30 && !failedOnce[0]) {
                    failedOnce[0] = true;
                    throw new IllegalStateException("the job could not apply it");
                }
                got.add(c);
            });
            before.sendAndWait(topics.runControl, "other", command("other", ControlAction.PAUSE, 20));
            raw.send(new ProducerRecord<>(topics.runControl.name(), "r", new byte[] {1, 2, 3})).get();
            before.sendAndWait(topics.runControl, "r", command("r", ControlAction.PAUSE, 30));
            before.sendAndWait(topics.runControl, "r", command("r", ControlAction.RESUME, 40));
            before.sendAndWait(topics.runControl, "r", command("r", ControlAction.PAUSE, 50));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(failedOnce[0], "the handler saw step 30");
            assertEquals(List.of(40L, 50L), got.stream().map(ControlCommand::getStep).toList(),
                    "not the command sent before it registered, not the other run's, past the bad bytes");
        }
    }
}
