package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.scorer.checkpoint.CheckpointException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our logits against HF transformers' on every fixture in test resources/reference-fixtures/ (tiny random-weight
 * models saved by transformers 4.x and 5.x; see that folder's README): one case per fixture, so one failing
 * fixture hides none of the others. Each must match within its tolerance, or, where its {@code hfref.gate} is
 * {@code "refusal-ok"}, may instead be refused with a message; never silently wrong, never skipped.
 */
class ReferenceFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path root() throws URISyntaxException {
        URL root = ReferenceFixturesTest.class.getResource("/reference-fixtures");
        if (root == null) {
            throw new IllegalStateException("src/test/resources/reference-fixtures/ is missing");
        }
        return Path.of(root.toURI());
    }

    static List<Path> fixtures() throws IOException, URISyntaxException {
        try (Stream<Path> s = Files.list(root())) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    static Stream<String> fixtureNames() throws IOException, URISyntaxException {
        return fixtures().stream().map(p -> p.getFileName().toString());
    }

    @Test
    void everyFixtureOfTheSharedSetIsPresent() throws Exception {
        assertEquals(26, fixtures().size(), "fixtures in reference-fixtures/");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void logitsMatchHfTransformers(String name) throws Exception {
        Path fixture = root().resolve(name);
        JsonNode expected = JSON.readTree(fixture.resolve("expected-logits.json").toFile());
        JsonNode hfref = expected.path("hfref");
        String variant = hfref.path("variant").asText(name);
        boolean refusalOk = "refusal-ok".equals(hfref.path("gate").asText());
        double tol = expected.path("tolerance").asDouble(1e-4);
        LoadedCheckpoint c;
        try {
            c = CheckpointLoader.load(fixture, Device.cpu(), DataType.FLOAT32);
        } catch (CheckpointException e) {
            System.out.printf(Locale.ROOT, "reference fixture %-30s REFUSED (%s): %s%n", name, variant, e.getMessage());
            if (refusalOk && !e.getMessage().isBlank()) {
                return;
            }
            throw e;
        }
        try (c; NDManager m = NDManager.newBaseManager(Device.cpu())) {
            double worst = compare(name, variant, tol, expected, c, true);
            assertTrue(worst <= tol, name + " (" + variant + "): relative error " + worst + " > tolerance " + tol);
        }
    }

    /**
     * A fixture saved by transformers 5 and its 4.x twin mean the same model: both config.json files read to the
     * same description, and the 5.x file over the twin's weights gives the twin's HF logits. The rope-500k fixture
     * has no exact twin: its nearest differs in rms_norm_eps only, so only the descriptions are compared.
     */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "neox-parallel-rot25-tf5, neox-parallel-rot25, true",
            "llama-rope-llama3-scaling-tf5, llama-rope-llama3-scaling, true",
            "llama-gqa-rope500k-tf5, llama-rope500k-eps1e5, false"})
    void transformers5ConfigsReadLikeTheir4xTwins(String tf5, String twin, boolean exactTwin, @TempDir Path tmp)
            throws Exception {
        Path five = root().resolve(tf5);
        Path four = root().resolve(twin);
        ModelConfig a = CheckpointLoader.readConfig(five).toBuilder().raw(null).build();
        ModelConfig b = CheckpointLoader.readConfig(four).toBuilder().raw(null).build();
        if (!exactTwin) {
            assertEquals(1e-5, b.normEps());
            b = b.toBuilder().normEps(a.normEps()).build();
        }
        assertEquals(b, a);
        if (!exactTwin) {
            return;
        }
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        Files.copy(five.resolve("config.json"), mixed.resolve("config.json"));
        Files.copy(four.resolve("model.safetensors"), mixed.resolve("model.safetensors"));
        Files.copy(four.resolve("tokenizer.json"), mixed.resolve("tokenizer.json"));
        JsonNode expected = JSON.readTree(four.resolve("expected-logits.json").toFile());
        double tol = expected.path("tolerance").asDouble(1e-4);
        try (LoadedCheckpoint c = CheckpointLoader.load(mixed, Device.cpu(), DataType.FLOAT32)) {
            double worst = compare(tf5 + "+" + twin + " weights", "5.x config over 4.x weights", tol, expected, c,
                    false);
            assertTrue(worst <= tol, "relative error " + worst);
        }
    }

    /** Max relative error over the fixture's cases (printed), after checking the tokenizer on cases with text. */
    private static double compare(String name, String variant, double tol, JsonNode expected, LoadedCheckpoint c,
                                  boolean tokenizer) {
        double worst = 0;
        int tokens = 0;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (JsonNode kase : expected.get("cases")) {
                long[] ids = new long[kase.get("input_ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = kase.get("input_ids").get(i).asLong();
                }
                tokens += ids.length;
                if (tokenizer && kase.hasNonNull("text")) {
                    assertArrayEquals(ids, c.tokenizer().encode(kase.get("text").asText()).getIds(),
                            name + ": tokenizer ids for '" + kase.get("text").asText() + "'");
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
                if (maxAbs == 0) {
                    fail(name + ": expected logits are all zero");
                }
                worst = Math.max(worst, maxErr / maxAbs);
            }
        }
        System.out.printf(Locale.ROOT, "reference fixture %-30s %-8s max relative error %.2e (tolerance %.0e, %d tokens)"
                + "  %s%n", name, worst <= tol ? "ok" : "FAILED", worst, tol, tokens, variant);
        return worst;
    }
}
