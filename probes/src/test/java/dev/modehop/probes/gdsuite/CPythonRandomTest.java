package dev.modehop.probes.gdsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** CPythonRandom against golden vectors that CPython 3.11 produced ({@code src/test/python/cpython_random_vectors.py}). */
class CPythonRandomTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VECTORS = "cpython-random.json";

    @Test
    void matchesTheCommittedCPythonVectors() throws Exception {
        JsonNode root = JSON.readTree(PythonScripts.RESOURCES.resolve(VECTORS).toFile());
        assertTrue(root.path("python").asText().startsWith("3.11"), "vectors were made by CPython 3.11");
        int cases = check(root);
        assertEquals(12, cases);
    }

    @Test
    void committedVectorsAreWhatPython3MakesNow() throws Exception {
        Assumptions.assumeTrue(PythonScripts.available(), "python3 not on this machine");
        JsonNode fresh = JSON.readTree(PythonScripts.run("cpython_random_vectors.py"));
        Assumptions.assumeTrue(fresh.path("python").asText().startsWith("3.11"),
                "python3 here is " + fresh.path("python").asText() + ", the vectors are 3.11's");
        assertEquals(JSON.readTree(Files.readString(PythonScripts.RESOURCES.resolve(VECTORS))), fresh);
        check(fresh);
    }

    private static int check(JsonNode root) {
        int n = 0;
        for (JsonNode c : root.path("cases")) {
            BigInteger seed = new BigInteger(c.path("seed").asText());
            String where = "seed " + seed + ": ";

            CPythonRandom r = new CPythonRandom(seed);
            for (JsonNode v : c.path("getrandbits32")) {
                assertEquals(v.asLong(), r.getrandbits(32).longValueExact(), where + "getrandbits(32)");
            }
            r = new CPythonRandom(seed);
            for (JsonNode v : c.path("getrandbits")) {
                assertEquals(new BigInteger(v.get(1).asText()), r.getrandbits(v.get(0).asInt()),
                        where + "getrandbits(" + v.get(0) + ")");
            }
            r = new CPythonRandom(seed);
            for (JsonNode v : c.path("randbelow")) {
                assertEquals(v.get(1).asInt(), r.randbelow(v.get(0).asInt()), where + "_randbelow(" + v.get(0) + ")");
            }
            r = new CPythonRandom(seed);
            for (JsonNode v : c.path("shuffle")) {
                List<Integer> x = range(v.get(0).asInt());
                r.shuffle(x);
                assertEquals(ints(v.get(1)), x, where + "shuffle(" + v.get(0) + ")");
            }
            r = new CPythonRandom(seed);
            for (JsonNode v : c.path("sample")) {
                assertEquals(ints(v.get(2)), r.sample(range(v.get(0).asInt()), v.get(1).asInt()),
                        where + "sample(range(" + v.get(0) + "), " + v.get(1) + ")");
            }
            r = new CPythonRandom(seed);
            JsonNode stream = c.path("stream");
            for (int i = 0; i < 100; i++) {
                assertEquals(ints(stream.get(i)), r.sample(range(40 + i % 7), 8), where + "stream sample " + i);
            }
            List<Integer> x = range(30);
            r.shuffle(x);
            assertEquals(ints(stream.get(100)), x, where + "stream shuffle");
            List<Long> words = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                words.add(r.getrandbits(32).longValueExact());
            }
            List<Long> expected = new ArrayList<>();
            stream.get(101).forEach(w -> expected.add(w.asLong()));
            assertEquals(expected, words, where + "stream tail");
            n++;
        }
        return n;
    }

    private static List<Integer> range(int n) {
        return new ArrayList<>(IntStream.range(0, n).boxed().toList());
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asInt()));
        return out;
    }
}
