package dev.modehop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command as a user runs it: arguments in, printed lines and exit code out. */
class CommandLineTest {
    static final Path PYTHIA = Path.of("..", "examples", "lm-eval", "pythia-160m-zero-shot");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        List<JsonNode> json() throws Exception {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.startsWith("{")) {
                    nodes.add(JSON.readTree(line));
                }
            }
            return nodes;
        }
    }

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Modehop.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void detectFindsTheBundledExamplesHopsWithVerdicts() throws Exception {
        Run r = run("detect", "--input", Path.of("..", "examples", "flipped-hops.csv").toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> hops = r.json();
        assertEquals(List.of(650L, 1250L, 1700L, 1750L), hops.stream().map(h -> h.get("step").asLong()).toList());
        JsonNode first = hops.get(0);
        assertEquals("flipped", first.get("series").asText());
        assertEquals(12, first.get("index").asInt());
        assertEquals(600, first.get("prevStep").asLong());
        assertEquals("DOWN", first.get("direction").asText());
        assertEquals("GENERALIZING", first.get("from").asText());
        assertEquals("PARROT", first.get("to").asText());
        assertEquals("STABLE", first.get("stability").asText());
        assertEquals("TRANSIENT", hops.get(2).get("stability").asText());
    }

    @Test
    void detectWithoutItemCountsUsesTheChangePointDetector() throws Exception {
        Path csv = tmp.resolve("loss.csv");
        StringBuilder sb = new StringBuilder("series,step,score\n");
        // Without standard errors the detector learns the noise from the series' first thirteen values.
        double[] v = {2.0, 2.01, 1.99, 2.0, 2.02, 1.98, 2.0, 2.01, 1.99, 2.0, 2.01, 1.99, 2.0, 2.02, 2.6, 2.61, 2.59, 2.6};
        for (int i = 0; i < v.length; i++) {
            sb.append("loss,").append(100 * i).append(',').append(v[i]).append('\n');
        }
        Files.writeString(csv, sb.toString());
        Run r = run("detect", "--input", csv.toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> hops = r.json();
        assertEquals(1, hops.size(), r.out());
        assertEquals(1400, hops.get(0).get("step").asLong());
        assertEquals("UP", hops.get(0).get("direction").asText());
        assertTrue(hops.get(0).get("from").isNull());
    }

    @Test
    void detectReadsARealLmEvalFolder() throws Exception {
        Run r = run("detect", "--input", PYTHIA.toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> hops = r.json();
        assertTrue(hops.stream().allMatch(h -> h.get("series").asText().startsWith("lm-eval/")));
        // Ordinary benchmarks move smoothly once training is under way: few change points, all early but
        // for LAMBADA's real jump at step 63000.
        long late = hops.stream().filter(h -> h.get("step").asLong() > 23000).count();
        assertTrue(late <= 1, r.out());
        assertTrue(hops.size() < 20, r.out());
    }

    @Test
    void detectReadsAnLmEval04OutputFolderWithTheMetricChosen() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("out").resolve("__ckpt__run"));
        double[] accNorm = {0.30, 0.31, 0.30, 0.31, 0.30, 0.31, 0.30, 0.31, 0.62, 0.63, 0.62, 0.63};
        for (int i = 0; i < accNorm.length; i++) {
            Files.writeString(model.resolve("results_2026-01-01T00-00-" + String.format("%02d", i) + ".json"), """
                    {"results": {"hellaswag": {"alias": "hellaswag", "acc,none": 0.25, "acc_stderr,none": "N/A",
                                               "acc_norm,none": %s, "acc_norm_stderr,none": 0.005}},
                     "n-samples": {"hellaswag": {"original": 10042, "effective": 10042}},
                     "config": {"model": "hf", "model_args": "pretrained=/ckpt/run/checkpoint-%d,dtype=bfloat16"}}
                    """.formatted(accNorm[i], 100 * (i + 1)));
        }
        Run flat = run("detect", "--input", tmp.resolve("out").toString());
        assertEquals(0, flat.code(), flat.err());
        assertEquals(List.of(), flat.json(), "acc is flat");
        Run norm = run("detect", "--input", tmp.resolve("out").toString(), "--metric", "acc_norm");
        assertEquals(0, norm.code(), norm.err());
        List<JsonNode> hops = norm.json();
        assertEquals(1, hops.size(), norm.out());
        assertEquals("lm-eval/hellaswag", hops.get(0).get("series").asText());
        assertEquals(900, hops.get(0).get("step").asLong());
        Run none = run("detect", "--input", tmp.resolve("out").toString(), "--metric", "exact_match");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("metrics found: acc, acc_norm"), none.err());
    }

    @Test
    void unreadableInputIsAOneLineErrorWithExitCode2() throws Exception {
        Run missing = run("detect", "--input", tmp.resolve("nope.csv").toString());
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().startsWith("modehop: error: "), missing.err());

        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "series,step,score,n\nflipped,50,0.9,512\nflipped,100,lots,512\n");
        Run r = run("detect", "--input", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.csv:3:"), r.err());

        Path header = tmp.resolve("header.csv");
        Files.writeString(header, "a,b\n1,2\n");
        assertEquals(2, run("detect", "--input", header.toString()).code());
    }

    @Test
    void everySubcommandExplainsItself() {
        for (String[] cmd : new String[][] {{"--help"}, {"up", "--help"}, {"demo", "--help"}, {"detect", "--help"},
                {"replay", "--help"}, {"publish", "--help"}, {"publish", "checkpoint", "--help"},
                {"publish", "window", "--help"}}) {
            Run r = run(cmd);
            assertEquals(0, r.code(), String.join(" ", cmd));
            assertTrue(r.out().contains("Usage:"), String.join(" ", cmd) + ": " + r.out());
        }
    }

    @Test
    void upTakesTheDashboardsReadTokenAndAllowedHosts() {
        picocli.CommandLine.ParseResult parsed = new picocli.CommandLine(new Modehop()).parseArgs("up",
                "--read-token", "reader", "--allowed-host", "modehop.example.com,proxy.internal");
        UpCommand up = (UpCommand) parsed.subcommand().commandSpec().userObject();
        assertEquals("reader", up.doors.readToken);
        assertEquals(java.util.List.of("modehop.example.com", "proxy.internal"), up.doors.allowedHosts);
        Run help = run("up", "--help");
        assertTrue(help.out().contains("--read-token") && help.out().contains("--allowed-host"), help.out());
    }
}
