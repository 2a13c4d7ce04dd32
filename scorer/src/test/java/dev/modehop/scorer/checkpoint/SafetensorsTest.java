package dev.modehop.scorer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path tmp;

    private static float[] randomFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian() * 3;
        }
        return f;
    }

    @Test
    void writeThenReadRoundTripsEveryDtypeAndTheHeaderFollowsTheFormat() throws IOException {
        float[] a = randomFloats(6 * 5, 1);
        float[] b = randomFloats(7, 2);
        float[] c = randomFloats(4 * 3 * 2, 3);
        Path file = tmp.resolve("x.safetensors");
        new SafetensorsWriter()
                .add("a", TensorDType.F32, new long[] {6, 5}, a)
                .add("b", TensorDType.F16, new long[] {7}, b)
                .add("c", TensorDType.BF16, new long[] {4, 3, 2}, c)
                .metadata("step", "50")
                .write(file);
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "header padded to 8 bytes");
        assertEquals(8 + headerLen + 30 * 4 + 7 * 2 + 24 * 2, bytes.length);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Arrays.asList("a", "b", "c"), f.tensors().keySet().stream().toList());
            assertEquals("50", f.metadata().get("step"));
            assertEquals("pt", f.metadata().get("format"));
            assertArrayEquals(new long[] {4, 3, 2}, f.entry("c").shape());
            assertArrayEquals(a, f.readFloats("a"));
            float[] bb = f.readFloats("b");
            float[] cc = f.readFloats("c");
            for (int i = 0; i < b.length; i++) {
                assertEquals(b[i], bb[i], Math.abs(b[i]) * 1e-3 + 1e-6, "f16");
            }
            for (int i = 0; i < c.length; i++) {
                assertEquals(c[i], cc[i], Math.abs(c[i]) * 8e-3 + 1e-6, "bf16");
            }
        }
    }

    @Test
    void aStreamedFileIsTheBufferedWritersFileAndReadsBackInPieces() throws IOException {
        float[] a = randomFloats(6 * 5, 4);
        float[] c = randomFloats(4 * 3 * 2, 5);
        Path buffered = tmp.resolve("buffered.safetensors");
        new SafetensorsWriter().add("a", TensorDType.F32, new long[] {6, 5}, a).add("empty", TensorDType.F16,
                new long[] {0, 3}, new float[0]).add("c", TensorDType.BF16, new long[] {4, 3, 2}, c).metadata("step", "7")
                .write(buffered);
        Path streamed = tmp.resolve("streamed.safetensors");
        var metadata = new java.util.LinkedHashMap<String, String>();
        metadata.put("format", "pt");
        metadata.put("step", "7");
        try (SafetensorsStream s = SafetensorsStream.create(streamed, metadata, java.util.List.of(
                new SafetensorsStream.Tensor("a", TensorDType.F32, new long[] {6, 5}),
                new SafetensorsStream.Tensor("empty", TensorDType.F16, new long[] {0, 3}),
                new SafetensorsStream.Tensor("c", TensorDType.BF16, new long[] {4, 3, 2})))) {
            for (int from = 0; from < a.length; from += 7) {
                s.write("a", a, from, Math.min(7, a.length - from));
            }
            s.write("c", c);
            s.commit();
        }
        assertArrayEquals(Files.readAllBytes(buffered), Files.readAllBytes(streamed));
        try (SafetensorsFile f = SafetensorsFile.open(streamed)) {
            float[] piece = new float[9];
            float[] whole = f.readFloats("c");
            // no scratch, a scratch too small (a buffer of the call's own), one reused for pieces of both dtypes
            ByteBuffer shared = ByteBuffer.allocate(64);
            for (ByteBuffer scratch : Arrays.asList(null, ByteBuffer.allocate(8), shared, shared)) {
                Arrays.fill(piece, Float.NaN);
                f.readFloats("a", 20, piece, 1, 8, scratch);
                assertArrayEquals(Arrays.copyOfRange(a, 20, 28), Arrays.copyOfRange(piece, 1, 9));
                f.readFloats("c", 3, piece, 0, 9, scratch);
                assertArrayEquals(Arrays.copyOfRange(whole, 3, 12), piece);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> f.readFloats("a", 25, piece, 0, 6, shared));
        }
    }

    @Test
    void aStreamRefusesTensorsOutOfOrderAndLeavesNoFileWhenIncomplete() {
        Path file = tmp.resolve("partial.safetensors");
        var layout = java.util.List.of(new SafetensorsStream.Tensor("a", TensorDType.F32, new long[] {4}),
                new SafetensorsStream.Tensor("b", TensorDType.F32, new long[] {2}));
        try (SafetensorsStream s = SafetensorsStream.create(file, java.util.Map.of("format", "pt"), layout)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.write("b", new float[2]));
            assertTrue(e.getMessage().contains("'a' comes next"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.write("a", new float[5]));
            s.write("a", new float[4]);
            s.write("b", new float[1]);
            e = assertThrows(IllegalStateException.class, s::commit);
            assertTrue(e.getMessage().contains("'b' has 1 of its 2 elements"), e.getMessage());
        }
        assertTrue(!Files.exists(file) && !Files.exists(tmp.resolve("partial.safetensors.tmp")),
                "an abandoned stream leaves nothing behind");
    }

    @Test
    void loadsIntoDjlInPiecesWhenATensorExceedsThePieceSize() {
        // 3 pieces of rows exercise the chunked path that lets tensors over 2 GiB load
        float[] data = randomFloats(10 * 4, 9);
        Path dir = tmp.resolve("ck");
        try {
            Files.createDirectories(dir);
            new SafetensorsWriter().add("w", TensorDType.BF16, new long[] {10, 4}, data).write(dir.resolve("model.safetensors"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(dir);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray whole = ck.load(m, "w", DataType.FLOAT32, 48);
            float[] expected = ck.readFloats("w");
            assertArrayEquals(expected, whole.toFloatArray());
            assertArrayEquals(new long[] {10, 4}, whole.getShape().getShape());
        }
    }

    @Test
    void halfFloatConversionsAreExactOnEveryRepresentableValue() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals((short) h, HalfFloats.floatToF16(f), "f16 bits " + Integer.toHexString(h));
            float g = HalfFloats.bf16ToFloat((short) h);
            if (!Float.isNaN(g)) {
                assertEquals((short) h, HalfFloats.floatToBf16(g), "bf16 bits " + Integer.toHexString(h));
            }
        }
        assertEquals(1.0f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(1.0004f)));
        assertEquals(65504f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(65504f)));
        assertTrue(Float.isInfinite(HalfFloats.f16ToFloat(HalfFloats.floatToF16(1e6f))));
        assertEquals(5.9604645e-8f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(5.9604645e-8f)));
    }

    @Test
    void shardedCheckpointsResolveTensorsThroughTheIndex() throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        for (int i = 0; i < 5; i++) {
            w.add("t" + i, TensorDType.F32, new long[] {8}, randomFloats(8, i));
        }
        Files.createDirectories(tmp.resolve("s"));
        w.writeSharded(tmp.resolve("s"), 70);
        assertTrue(Files.exists(tmp.resolve("s/model-00001-of-00003.safetensors")));
        assertTrue(Files.exists(tmp.resolve("s/model-00003-of-00003.safetensors")));
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(tmp.resolve("s"))) {
            assertEquals(5, ck.names().size());
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(randomFloats(8, i), ck.readFloats("t" + i));
            }
            assertTrue(ck.entry("t4").file().getFileName().toString().startsWith("model-00003"));
        }
    }

    @Test
    void corruptAndTruncatedFilesAreErrorsThatNameTheFile() throws IOException {
        Path good = tmp.resolve("good.safetensors");
        new SafetensorsWriter().add("a", TensorDType.F32, new long[] {100}, randomFloats(100, 1)).write(good);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = tmp.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        assertNamesFile(truncated, "truncated");

        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertNamesFile(tiny, "truncated");

        Path hugeHeader = tmp.resolve("huge.safetensors");
        byte[] h = bytes.clone();
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        Files.write(hugeHeader, h);
        assertNamesFile(hugeHeader, "header");

        Path notJson = tmp.resolve("notjson.safetensors");
        byte[] j = bytes.clone();
        j[8] = 'x';
        Files.write(notJson, j);
        assertNamesFile(notJson, "header");

        Path badOffsets = tmp.resolve("offsets.safetensors");
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,399]}}";
        Files.write(badOffsets, withHeader(header, 400));
        assertNamesFile(badOffsets, "data_offsets");

        Path badDtype = tmp.resolve("dtype.safetensors");
        Files.write(badDtype, withHeader("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1));
        assertNamesFile(badDtype, "dtype");

        assertNamesFile(tmp.resolve("absent.safetensors"), "missing");
    }

    @Test
    void missingWeightsFileAndNonFloatTensorsNameTheirFile() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsCheckpoint.open(empty));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());

        Path dir = Files.createDirectories(tmp.resolve("ints"));
        Files.write(dir.resolve("model.safetensors"),
                withHeader("{\"mask\":{\"dtype\":\"BOOL\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4));
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(dir);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            CheckpointException ex = assertThrows(CheckpointException.class, () -> ck.load(m, "mask", DataType.FLOAT32));
            assertTrue(ex.getMessage().contains("model.safetensors") && ex.getMessage().contains("BOOL"), ex.getMessage());
        }
    }

    private static byte[] withHeader(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static void assertNamesFile(Path file, String word) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(word), e.getMessage());
        assertEquals(file, e.file());
    }
}
