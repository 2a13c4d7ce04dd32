package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Compares our logits with HF transformers' on every fixture in test resources/reference-fixtures/. */
class ReferenceFixturesTest {

    static List<Path> fixtures() throws IOException, URISyntaxException {
        URL root = ReferenceFixturesTest.class.getResource("/reference-fixtures");
        if (root == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(Path.of(root.toURI()))) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void logitsMatchHfTransformersOnEveryFixture() throws Exception {
        List<Path> fixtures = fixtures();
        Assumptions.assumeFalse(fixtures.isEmpty(),
                "no reference fixtures in src/test/resources/reference-fixtures/ (see its README): nothing compared");
        List<String> failures = new ArrayList<>();
        for (Path fixture : fixtures) {
            JsonNode expected = new ObjectMapper().readTree(fixture.resolve("expected-logits.json").toFile());
            double tol = expected.path("tolerance").asDouble(1e-4);
            try (LoadedCheckpoint c = CheckpointLoader.load(fixture, Device.cpu(), DataType.FLOAT32);
                 NDManager m = NDManager.newBaseManager(Device.cpu())) {
                for (JsonNode kase : expected.get("cases")) {
                    long[] ids = new long[kase.get("input_ids").size()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = kase.get("input_ids").get(i).asLong();
                    }
                    if (kase.hasNonNull("text")) {
                        assertArrayEquals(ids, c.tokenizer().encode(kase.get("text").asText()).getIds(),
                                fixture.getFileName() + ": tokenizer ids for '" + kase.get("text").asText() + "'");
                    }
                    float[] got = c.model().logits(m, m.create(ids, new Shape(1, ids.length))).toFloatArray();
                    int vocab = c.model().vocabSize();
                    double maxAbs = 0;
                    double maxErr = 0;
                    for (int t = 0; t < ids.length; t++) {
                        JsonNode row = kase.get("logits").get(t);
                        for (int v = 0; v < row.size(); v++) {
                            double e = row.get(v).asDouble();
                            maxAbs = Math.max(maxAbs, Math.abs(e));
                            maxErr = Math.max(maxErr, Math.abs(e - got[t * vocab + v]));
                        }
                    }
                    System.out.printf("reference fixture %s: %d tokens, max error %.3g, relative %.3g%n",
                            fixture.getFileName(), ids.length, maxErr, maxErr / maxAbs);
                    if (maxErr > tol * maxAbs) {
                        failures.add(fixture.getFileName() + ": relative error " + maxErr / maxAbs + " > " + tol);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
