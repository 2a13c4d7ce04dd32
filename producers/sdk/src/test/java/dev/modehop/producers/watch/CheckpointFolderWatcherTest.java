package dev.modehop.producers.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFolderWatcherTest {
    @TempDir
    Path root;

    private final AtomicLong now = new AtomicLong(1_000);

    private List<Long> poll(CheckpointFolderWatcher w) throws Exception {
        return w.poll().stream().map(CheckpointFolderWatcher.FoundCheckpoint::step).toList();
    }

    @Test
    void reportsACheckpointOnceItIsCompleteAndSettled() throws Exception {
        CheckpointFolderWatcher w = new CheckpointFolderWatcher(root, 2_000, now::get);
        Path c = Files.createDirectory(root.resolve("checkpoint-500"));
        Files.writeString(c.resolve("config.json"), "{}");
        assertEquals(List.of(), poll(w), "no weights yet");
        Files.write(c.resolve("model.safetensors"), new byte[100]);
        assertEquals(List.of(), poll(w), "just appeared");
        now.addAndGet(1_000);
        Files.write(c.resolve("model.safetensors"), new byte[200]);
        Files.setLastModifiedTime(c.resolve("model.safetensors"), FileTime.fromMillis(5_000));
        assertEquals(List.of(), poll(w), "still growing");
        now.addAndGet(1_500);
        assertEquals(List.of(), poll(w), "not settled long enough");
        now.addAndGet(600);
        assertEquals(List.of(500L), poll(w));
        now.addAndGet(10_000);
        assertEquals(List.of(), poll(w), "reported once");
    }

    @Test
    void waitsForEveryShardAndIgnoresOtherFolders() throws Exception {
        CheckpointFolderWatcher w = new CheckpointFolderWatcher(root, 0, now::get);
        Files.createDirectory(root.resolve("runs"));
        Path c = Files.createDirectory(root.resolve("step_100"));
        Files.writeString(c.resolve("config.json"), "{}");
        Files.writeString(c.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        Files.write(c.resolve("model-00001-of-00002.safetensors"), new byte[10]);
        poll(w);
        assertEquals(List.of(), poll(w), "second shard missing");
        Files.write(c.resolve("model-00002-of-00002.safetensors"), new byte[10]);
        poll(w);
        assertEquals(List.of(100L), poll(w));
    }
}
