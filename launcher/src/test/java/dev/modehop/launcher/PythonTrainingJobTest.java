package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.core.AlertRules;
import dev.modehop.core.Ids;
import dev.modehop.core.MonitorConfig;
import dev.modehop.events.CheckpointReady;
import dev.modehop.events.ControlAction;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.DataWindow;
import dev.modehop.events.HopStability;
import dev.modehop.events.Mode;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.probes.toy.ToyVocabulary;
import dev.modehop.scorer.worker.ScorerSettings;
import dev.modehop.scorer.worker.ScorerWorker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python side for real: Debian's {@code /usr/bin/python3} with confluent-kafka, avro and torch. The Python
 * client is pip-installed from {@code clients/python} (which generates its bundled schemas), its pytest suite
 * runs against the embedded broker and registry, and the PyTorch training job of {@code examples/python}
 * trains against the embedded stack ({@code modehop up}'s broker, registry and Kafka Streams job) plus a
 * scorer worker: its hop to PARROT is detected, judged STABLE, answered with ADJUST_MIXTURE, which the job
 * obeys, and the family hops back.
 *
 * <p>Without those Python packages the tests skip with the reason, except where {@code MODEHOP_REQUIRE_PYTHON=1}
 * (CI, whose {@code .ci/run} installs them): there they fail.
 */
class PythonTrainingJobTest {
    static final String PYTHON = "/usr/bin/python3";
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    static Path site;

    @TempDir
    Path tmp;

    @BeforeAll
    static void installTheClient() throws Exception {
        String missing = missingPythonPackages();
        if (!missing.isEmpty()) {
            String why = PYTHON + " lacks " + missing + " (Debian: apt-get install python3-confluent-kafka python3-avro "
                    + "python3-torch python3-pytest)";
            if ("1".equals(System.getenv("MODEHOP_REQUIRE_PYTHON"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        // The way a user installs it, offline: the build step writes the self-contained schemas into the package.
        Result pip = python(REPO, Map.of(), Duration.ofMinutes(3), "-m", "pip", "install", "-q", "--no-index",
                "--no-build-isolation", "--no-deps", "--target", site.toString(), "clients/python");
        assertEquals(0, pip.exit, "pip install clients/python:\n" + pip.output);
        assertTrue(Files.isRegularFile(site.resolve("modehop/avro/ModeHop.avsc")), "schemas bundled by the build");
    }

    @Test
    void thePythonClientsTestsPassAgainstTheRealBrokerAndRegistry() throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(null, 0, 0, 2, MonitorConfig.defaults())) {
            Result r = python(REPO.resolve("clients/python"), Map.of(
                            "PYTHONPATH", site.toString(),
                            "MODEHOP_TEST_BOOTSTRAP", stack.kafka.bootstrapServers(),
                            "MODEHOP_TEST_REGISTRY", stack.registry.url(),
                            "MODEHOP_REQUIRE_BROKER", "1"),
                    Duration.ofMinutes(5), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests");
            System.out.println(r.output);
            // pytest exits 5 when it collected nothing: nothing ran, so nothing failed, but nothing passed either.
            Assumptions.assumeFalse(r.exit == 5, "pytest collected no tests");
            assertEquals(0, r.exit, "pytest:\n" + r.output);
            assertTrue(r.output.contains(" passed"), r.output);
        }
    }

    @Test
    void aPyTorchTrainingJobHopsIsJudgedSteeredAndHopsBack() throws Exception {
        String runId = "py-toy";
        MonitorConfig config = MonitorConfig.builder().rules(AlertRules.parse(ToyDemo.STEER_RULE + "\n")).build();
        Path out = Files.createDirectory(tmp.resolve("checkpoints"));
        try (EmbeddedStack stack = EmbeddedStack.start(null, 0, 0, 1, config);
             TopicFollower outputs = new TopicFollower(stack.kafka.bootstrapServers(), stack.topics, null);
             TopicFollower inputs = new TopicFollower(stack.kafka.bootstrapServers(),
                     List.of(stack.topics.checkpointReady, stack.topics.dataWindowClosed), null)) {
            String bootstrap = stack.kafka.bootstrapServers();
            ScorerWorker scorer = ScorerWorker.create(Map.of("bootstrap.servers", bootstrap), "py-test-scorer",
                    stack.topics, ScorerSettings.defaults(), "py-test", new PrintStream(OutputStream.nullOutputStream()));
            Thread scorerThread = new Thread(scorer, "scorer");
            scorerThread.start();
            Result job;
            try {
                // At most two checkpoints ahead of the monitor, on any machine: control must come back while the
                // ICL-poor window (500 steps) still runs, for the hop back to be its effect.
                job = python(REPO, Map.of("PYTHONPATH", site.toString()), Duration.ofMinutes(8),
                        "examples/python/train.py", "--run", runId, "--out", out.toString(), "--bootstrap", bootstrap,
                        "--registry", stack.registry.url(), "--schedule", "600:0.9,500:0.1",
                        "--max-checkpoints-ahead", "2");
                System.out.println(job.output);
                assertEquals(0, job.exit, "train.py:\n" + job.output);
                assertTrue(outputs.await(() -> observed(outputs, "flipped").contains(1100L), Duration.ofMinutes(3)),
                        "the last checkpoint observed");
            } finally {
                scorer.close();
                scorerThread.join(10_000);
            }

            List<ModeHop> hops = outputs.received(ModeHop.class).stream()
                    .filter(h -> h.getSeries().equals("flipped")).toList();
            ModeHop toParrot = hops.stream().filter(h -> h.getTo() == Mode.PARROT).findFirst().orElseThrow(
                    () -> new AssertionError("no hop to PARROT: " + hops));
            assertTrue(toParrot.getStep() > 600 && toParrot.getStep() <= 750, "hop right after the ICL-poor window: " + toParrot);
            assertEquals(Ids.hop(runId, "flipped", toParrot.getStep()), toParrot.getId());
            assertTrue(toParrot.getWindows().stream().anyMatch(w -> w.getWindowId().equals("w1")),
                    "attributed to the ICL-poor window the job announced: " + toParrot.getWindows());
            HopStability verdict = outputs.received(HopStability.class).stream()
                    .filter(v -> v.getHopId().equals(toParrot.getId())).findFirst().orElseThrow();
            assertEquals("STABLE", verdict.getVerdict().name());

            ControlCommand control = outputs.received(ControlCommand.class).stream()
                    .filter(c -> c.getRunId().equals(runId)).findFirst().orElseThrow(() -> new AssertionError("no control"));
            assertEquals(ControlAction.ADJUST_MIXTURE, control.getAction());
            Matcher applied = Pattern.compile("control ADJUST_MIXTURE \\{.*} applied at step (\\d+)").matcher(job.output);
            assertTrue(applied.find(), "the job obeyed:\n" + job.output);
            long appliedAt = Long.parseLong(applied.group(1));
            assertTrue(appliedAt > verdict.getDecidedAtStep(), "applied after the verdict, at " + appliedAt);

            List<DataWindow> windows = inputs.received(DataWindow.class);
            Optional<DataWindow> steered = windows.stream().filter(w -> w.getStartStep() == appliedAt).findFirst();
            assertTrue(steered.isPresent(), "a window from the step the mixture changed: " + windows);
            assertEquals(0.9, steered.get().getMixture().get("icl"), 1e-9);
            assertTrue(windows.stream().anyMatch(w -> w.getWindowId().equals("w1") && w.getEndStep() == appliedAt),
                    "the ICL-poor window cut short where the change applied: " + windows);

            // Without control the flipped family stays PARROT to the end of the ICL-poor window (step 1100).
            ModeHop back = hops.stream().filter(h -> h.getTo() == Mode.GENERALIZING && h.getStep() > appliedAt)
                    .findFirst().orElseThrow(() -> new AssertionError("back to GENERALIZING after the change: " + hops));
            System.out.printf("python job: hop to PARROT at %d, STABLE at %d, ADJUST_MIXTURE applied at %d, "
                    + "back to GENERALIZING at %d%n", toParrot.getStep(), verdict.getDecidedAtStep(), appliedAt,
                    back.getStep());
            List<Long> announced = inputs.received(CheckpointReady.class).stream()
                    .map(CheckpointReady::getStep).sorted().toList();
            assertEquals(22, announced.size(), "every 50 steps, once: " + announced);
            assertFalse(job.output.contains("Traceback"), job.output);
            scorerComputesWhatPyTorchComputes(out.resolve("checkpoint-1100"));
        }
    }

    /** The scorer's GPT-NeoX forward on the job's own checkpoint gives PyTorch's logits, at every position. */
    private static void scorerComputesWhatPyTorchComputes(Path checkpoint) throws Exception {
        String prompt = "<bos> x3 l5 x9 l1 x12 l0 x40 l7 x2 l2 x7 l6 x8 l3 x60 l4 x9";
        Result torch = python(REPO, Map.of(), Duration.ofMinutes(2), "examples/python/toy_model.py",
                checkpoint.toString(), prompt);
        assertEquals(0, torch.exit, torch.output);
        double[][] expected = new ObjectMapper().readValue(torch.output.strip(), double[][].class);
        try (LoadedCheckpoint loaded = CheckpointLoader.load(checkpoint, Device.cpu(), DataType.FLOAT32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            long[] ids = ToyVocabulary.encode(prompt);
            assertArrayEquals(ids, loaded.tokenizer().encode(prompt).getIds(), "the job's tokenizer.json");
            float[] logits = loaded.model().logits(m, m.create(ids, new Shape(1, ids.length))).toFloatArray();
            int vocab = expected[0].length;
            assertEquals(ids.length * vocab, logits.length);
            double worst = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < vocab; v++) {
                    worst = Math.max(worst, Math.abs(expected[t][v] - logits[t * vocab + v]));
                }
            }
            System.out.println("python job: largest logit difference scorer vs PyTorch " + worst);
            assertTrue(worst < 1e-4, "largest logit difference to PyTorch: " + worst);
        }
    }

    private static List<Long> observed(TopicFollower outputs, String series) {
        return outputs.received(ModeObservation.class).stream().filter(m -> m.getSeries().equals(series))
                .map(ModeObservation::getStep).toList();
    }

    private static String missingPythonPackages() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return "itself";
        }
        Result r = python(REPO, Map.of(), Duration.ofMinutes(1), "-c", "import importlib.util as u; print(' '.join("
                + "m for m in ('confluent_kafka', 'avro', 'torch', 'pytest', 'setuptools', 'wheel') if u.find_spec(m) is None))");
        return r.exit == 0 ? r.output.strip() : "a working interpreter: " + r.output;
    }

    record Result(int exit, String output) {
    }

    static Result python(Path dir, Map<String, String> env, Duration timeout, String... args) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("modehop-python-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().putAll(env);
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " ran past " + timeout + ":\n" + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
