package dev.modehop.toyrun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modehop.scorer.model.CheckpointLoader;
import dev.modehop.scorer.model.LoadedCheckpoint;
import dev.modehop.probes.toy.ToyVocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyRunTest {
    @TempDir
    Path tmp;

    /** Records what the run announces. */
    static class Recorder implements ToyRunListener {
        final List<String> events = new ArrayList<>();
        final List<DataWindow> closed = new ArrayList<>();
        final List<Double> losses = new ArrayList<>();
        final List<Path> checkpoints = new ArrayList<>();

        @Override
        public void onCheckpoint(long step, Path folder, double trainLoss) {
            events.add("checkpoint " + step);
            checkpoints.add(folder);
        }

        @Override
        public void onWindowClosed(DataWindow w) {
            events.add("closed " + w.windowId() + " (" + w.startStep() + "," + w.endStep() + "] " + w.pIcl());
            closed.add(w);
        }

        @Override
        public void onWindowOpened(DataWindow w) {
            events.add("opened " + w.windowId() + " (" + w.startStep() + "," + w.endStep() + "] " + w.pIcl());
        }

        @Override
        public void onStep(long step, double loss) {
            losses.add(loss);
        }
    }

    private ToyRunConfig small(String dir, long seed, List<PlannedWindow> schedule) {
        return ToyRunConfig.builder(tmp.resolve(dir), seed).schedule(schedule).checkpointEvery(20).build();
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsEvenUnderGcPressure() {
        List<PlannedWindow> schedule = List.of(new PlannedWindow(30, 0.9), new PlannedWindow(30, 0.1));
        Map<String, float[]> a;
        try (ToyRun run = new ToyRun(small("a", 5, schedule), new Recorder())) {
            run.run();
            a = run.weightsSnapshot();
        }
        Map<String, float[]> b;
        // the second run churns the heap and forces collections between steps, where nothing may depend on
        // Java objects staying alive; a collection inside a step is the next test's business
        ToyRunListener churn = new Recorder() {
            @Override
            public void onStep(long step, double loss) {
                byte[][] garbage = new byte[64][];
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] = new byte[256 * 1024];
                }
                if (step % 3 == 0) {
                    System.gc();
                }
                losses.add(loss + garbage.length * 0);
            }
        };
        try (ToyRun run = new ToyRun(small("b", 5, schedule), churn)) {
            run.run();
            b = run.weightsSnapshot();
        }
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, w) -> assertArrayEquals(w, b.get(name), name));
        Map<String, float[]> c;
        try (ToyRun run = new ToyRun(small("c", 6, schedule), new Recorder())) {
            run.run();
            c = run.weightsSnapshot();
        }
        assertFalse(java.util.Arrays.equals(a.get("embed_out.weight"), c.get("embed_out.weight")),
                "another seed gives other weights");
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsWhileAnotherThreadCollectsGarbage() throws InterruptedException {
        Map<String, float[]> quiet;
        try (ToyRun run = new ToyRun(eightyStepRun("quiet"), new Recorder())) {
            run.run();
            quiet = run.weightsSnapshot();
        }
        // as in the demo, where Kafka clients, the scorer and the dashboard share the JVM: only a collection
        // that lands between a step's forward and its backward frees the direct buffers of DJL's op(Number)
        // scalars that autograd still holds (see TransformerOps.scalar), and only another thread gets it there
        AtomicBoolean churning = new AtomicBoolean(true);
        Thread garbage = new Thread(() -> {
            List<byte[]> held = new ArrayList<>();
            for (int i = 1; churning.get(); i++) {
                held.add(new byte[1 << 16]);
                if (held.size() > 500) {
                    held.clear();
                }
                if (i % 500 == 0) {
                    System.gc();
                }
            }
        }, "garbage-churn");
        garbage.setDaemon(true);
        garbage.start();
        Map<String, float[]> churned;
        Recorder rec = new Recorder();
        try (ToyRun run = new ToyRun(eightyStepRun("churned"), rec)) {
            run.run();
            churned = run.weightsSnapshot();
        } finally {
            churning.set(false);
            garbage.join();
        }
        assertTrue(rec.losses.stream().allMatch(Double::isFinite), "no NaN loss under concurrent GC");
        assertEquals(quiet.keySet(), churned.keySet());
        quiet.forEach((name, w) -> assertArrayEquals(w, churned.get(name), name));
    }

    private ToyRunConfig eightyStepRun(String dir) {
        return ToyRunConfig.defaults(tmp.resolve(dir), 5).scaledTo(80).toBuilder().checkpointEvery(1000).build();
    }

    @Test
    void aShortRunLearnsAndItsCheckpointsLoadInTheScorer() {
        Recorder rec = new Recorder();
        try (ToyRun run = new ToyRun(small("learn", 1, List.of(new PlannedWindow(200, 0.9))), rec)) {
            assertEquals(200, run.run());
            double first = rec.losses.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double last = rec.losses.subList(190, 200).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertTrue(first > Math.log(8) * 1.1, "starts near uniform over 73 tokens: " + first);
            assertTrue(last < Math.log(8) * 0.97, "learns at least the label set and some more: " + first + " -> " + last);
            assertEquals(10, rec.checkpoints.size());
            Path ckpt = rec.checkpoints.get(9);
            assertEquals(tmp.resolve("learn/checkpoint-200"), ckpt);
            assertTrue(Files.exists(ckpt.resolve("trainer_state.json")));
            try (LoadedCheckpoint loaded = CheckpointLoader.load(ckpt, Device.cpu(), DataType.FLOAT32);
                 NDManager m = NDManager.newBaseManager(Device.cpu())) {
                String prompt = "<bos> x3 l5 x9 l1 x12 l0 x40 l7 x2 l2 x7 l6 x8 l3 x60 l4 x9";
                long[] ids = ToyVocabulary.encode(prompt);
                assertArrayEquals(ids, loaded.tokenizer().encode(prompt).getIds(), "checkpoint tokenizer = toy vocabulary");
                float[] fromDisk = loaded.model().logits(m, m.create(ids, new Shape(1, ids.length))).toFloatArray();
                float[] inMemory = run.model().logits(m, m.create(ids, new Shape(1, ids.length))).toFloatArray();
                assertArrayEquals(inMemory, fromDisk, "the checkpoint is the trained model");
                assertTrue(loaded.config().prevTokenEmbedding() && loaded.config().learnedPositions());
            }
        }
    }

    @Test
    void windowsCheckpointsMixtureChangesAndPauseAreAnnouncedInOrder() throws Exception {
        ToyRun[] holder = new ToyRun[1];
        Recorder rec = new Recorder() {
            @Override
            public void onStep(long step, double loss) {
                if (step == 30) {
                    holder[0].adjustMixture(0.5, ToyRun.MixtureScope.REST_OF_WINDOW);
                }
                if (step == 50) {
                    holder[0].pause();
                }
            }
        };
        List<PlannedWindow> plan = List.of(new PlannedWindow(40, 0.9), new PlannedWindow(40, 0.1));
        try (ToyRun run = new ToyRun(small("ctl", 2, plan), rec)) {
            holder[0] = run;
            Thread t = new Thread(run::run);
            t.start();
            while (!(run.isPaused() && run.step() == 50)) {
                Thread.sleep(5);
            }
            Thread.sleep(100);
            assertEquals(50, run.step(), "a paused run does not step");
            run.resume();
            t.join();
            assertEquals(80, run.step());
        }
        assertEquals(List.of(
                "opened w0 (0,40] 0.9",
                "checkpoint 20",
                "closed w0 (0,30] 0.9",
                "opened w1 (30,40] 0.5",
                "closed w1 (30,40] 0.5",
                "checkpoint 40",
                "opened w2 (40,80] 0.1",
                "checkpoint 60",
                "closed w2 (40,80] 0.1",
                "checkpoint 80"), rec.events);
        assertEquals(30 * 64, rec.closed.get(0).sequences());
        assertEquals(30L * 64 * ToyTask.LENGTH, rec.closed.get(0).tokens());
        assertEquals(Map.of("icl", 0.5, "iwl", 0.5), rec.closed.get(1).mixture());
    }
}
