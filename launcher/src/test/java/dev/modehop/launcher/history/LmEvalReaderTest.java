package dev.modehop.launcher.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.core.MonitorConfig;
import dev.modehop.core.OfflineDetection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lm-eval 0.4.x result folders, written to the harness's schema, against the older one-file-per-checkpoint format. */
class LmEvalReaderTest {
    static final Path PYTHIA = Path.of("..", "examples", "lm-eval", "pythia-160m-zero-shot");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** One task's metrics as lm-eval 0.4 writes them. */
    static ObjectNode task04(String alias, double acc, Object stderr) {
        ObjectNode t = JSON.createObjectNode();
        t.put("alias", alias);
        t.put("acc,none", acc);
        if (stderr instanceof Double d) {
            t.put("acc_stderr,none", d);
        } else {
            t.put("acc_stderr,none", String.valueOf(stderr));
        }
        return t;
    }

    /** The top level of an lm-eval 0.4 results file around the given results. */
    static ObjectNode file04(ObjectNode results, JsonNode modelArgs) {
        ObjectNode root = JSON.createObjectNode();
        root.set("results", results);
        root.set("group_subtasks", JSON.createObjectNode());
        root.set("configs", JSON.createObjectNode());
        root.set("versions", JSON.createObjectNode());
        root.set("n-shot", JSON.createObjectNode());
        root.set("higher_is_better", JSON.createObjectNode());
        ObjectNode n = root.putObject("n-samples");
        results.fieldNames().forEachRemaining(t -> n.putObject(t).put("original", 500).put("effective", 500));
        ObjectNode config = root.putObject("config");
        config.put("model", "hf");
        config.set("model_args", modelArgs);
        config.put("batch_size", "16");
        config.put("limit", (String) null);
        config.put("bootstrap_iters", 100000);
        root.put("git_hash", "4600d6b");
        root.put("date", 1.7e9);
        root.put("lm_eval_version", "0.4.8");
        root.put("model_source", "hf");
        root.put("model_name", "EleutherAI/pythia-160m");
        root.put("model_name_sanitized", "EleutherAI__pythia-160m");
        return root;
    }

    static void write(Path file, JsonNode node) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    @Test
    void lmEval04FoldersGiveTheSameHopsAsTheSameValuesInTheOldFormat() throws Exception {
        Path out = tmp.resolve("lm-eval-out");
        List<Path> oldFiles;
        try (Stream<Path> s = Files.list(PYTHIA)) {
            oldFiles = s.sorted().toList();
        }
        int i = 0;
        for (Path old : oldFiles) {
            JsonNode root = JSON.readTree(old.toFile());
            long step = HistoryReader.read(old).points().get(0).step();
            ObjectNode results = JSON.createObjectNode();
            ArrayNode mmlu = JSON.createArrayNode();
            Iterator<Map.Entry<String, JsonNode>> it = root.path("results").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                ObjectNode t = results.putObject(e.getKey());
                t.put("alias", e.getKey());
                e.getValue().fields().forEachRemaining(m -> {
                    String name = m.getKey();
                    String metric = name.endsWith("_stderr") ? name.substring(0, name.length() - 7) + "_stderr" : name;
                    t.set(metric + ",none", m.getValue());
                });
                if (e.getKey().startsWith("hendrycksTest-")) {
                    mmlu.add(e.getKey());
                }
            }
            // A group aggregate, in 'results' and 'groups' as the harness writes it: not a task of its own.
            ObjectNode group = task04("mmlu", 0.99, 0.001);
            results.set("mmlu", group);
            ObjectNode file = file04(results, switch (i % 4) {
                case 0 -> JSON.getNodeFactory().textNode("pretrained=EleutherAI/pythia-160m,revision=step" + step
                        + ",dtype=float16");
                case 1 -> JSON.createObjectNode().put("pretrained", "EleutherAI/pythia-160m").put("revision",
                        "step" + step);
                default -> JSON.createObjectNode().put("pretrained", "/ckpt/pythia-160m/checkpoint-" + step);
            });
            file.putObject("groups").set("mmlu", group);
            ((ObjectNode) file.get("group_subtasks")).set("mmlu", mmlu);
            String model;
            if (i % 4 == 2) {
                ((ObjectNode) file.get("config")).put("model_revision", "step" + step);
                file.put("model_name", "/ckpt/pythia-160m/checkpoint-" + step);
                model = "__ckpt__pythia-160m__checkpoint-" + step;
            } else if (i % 4 == 3) {
                file.put("model_name", "/ckpt/pythia-160m/checkpoint-" + step);
                model = "__ckpt__pythia-160m__checkpoint-" + step;
            } else {
                model = "EleutherAI__pythia-160m"; // several checkpoints' files in one model folder
            }
            write(out.resolve(model).resolve("results_2026-01-0" + (1 + i % 3) + "T10-00-00." + (100000 + i)
                    + ".json"), file);
            if (i % 5 == 0) {
                // An older evaluation of the same checkpoint with other values, read after the newer one
                // (its folder sorts last): the newer file still wins.
                ObjectNode stale = file.deepCopy();
                ((ObjectNode) stale.get("results")).fields().forEachRemaining(e -> {
                    if (e.getValue().has("acc,none")) {
                        ((ObjectNode) e.getValue()).put("acc,none", 0.01);
                    }
                });
                write(out.resolve("zz-older-evaluations").resolve("results_2025-06-01T09-00-00." + (100000 + i) + ".json"), stale);
            }
            i++;
        }

        History before = HistoryReader.read(PYTHIA);
        History after = HistoryReader.read(out);
        Comparator<OfflineDetection.Point> order = Comparator.comparing(OfflineDetection.Point::series)
                .thenComparingLong(OfflineDetection.Point::step);
        List<OfflineDetection.Point> expected = before.points().stream().sorted(order).toList();
        List<OfflineDetection.Point> got = after.points().stream().sorted(order).toList();
        assertEquals(expected.size(), got.size());
        for (int k = 0; k < expected.size(); k++) {
            assertEquals(expected.get(k), got.get(k));
        }
        OfflineDetection detection = new OfflineDetection(MonitorConfig.defaults());
        List<OfflineDetection.DetectedHop> hopsBefore = detection.detect(before.points());
        assertFalse(hopsBefore.isEmpty());
        assertEquals(hopsBefore, detection.detect(after.points()));

        History withGroups = HistoryReader.read(out, LmEvalReader.Options.parse("acc", true));
        assertTrue(withGroups.points().stream().anyMatch(p -> p.series().equals("lm-eval/mmlu") && p.value() == 0.99));
    }

    @Test
    void notAvailableStderrFallsBackToTheBinomialErrorOfTheItemCount() throws Exception {
        ObjectNode results = JSON.createObjectNode();
        results.set("arc_easy", task04("arc_easy", 0.64, "N/A"));
        results.set("piqa", task04("piqa", 0.60, "N/A"));
        ObjectNode file = file04(results, JSON.getNodeFactory().textNode("pretrained=m,revision=stage1-step2000-tokens8B"));
        ((ObjectNode) file.get("n-samples")).remove("piqa");
        write(tmp.resolve("m/results_2026-01-01T00-00-00.json"), file);
        Map<String, OfflineDetection.Point> bySeries = bySeries(HistoryReader.read(tmp.resolve("m")));
        OfflineDetection.Point arc = bySeries.get("lm-eval/arc_easy");
        assertEquals(2000, arc.step());
        assertEquals(Math.sqrt(0.64 * 0.36 / 500), arc.stderr(), 1e-3);
        assertTrue(Double.isNaN(bySeries.get("lm-eval/piqa").stderr()), "no item count, no stderr: estimated later");
    }

    @Test
    void theMetricAndFilterAreSelectable() throws Exception {
        ObjectNode results = JSON.createObjectNode();
        ObjectNode hs = task04("hellaswag", 0.30, 0.004);
        hs.put("acc_norm,none", 0.35).put("acc_norm_stderr,none", 0.005);
        results.set("hellaswag", hs);
        ObjectNode gsm = results.putObject("gsm8k");
        gsm.put("alias", "gsm8k");
        gsm.put("exact_match,strict-match", 0.02).put("exact_match_stderr,strict-match", 0.004);
        gsm.put("exact_match,flexible-extract", 0.05).put("exact_match_stderr,flexible-extract", 0.006);
        write(tmp.resolve("out/m/results_2026-01-01T00-00-00.json"),
                file04(results, JSON.createObjectNode().put("pretrained", "m").put("revision", "step300")));
        Path out = tmp.resolve("out");

        Map<String, OfflineDetection.Point> norm = bySeries(HistoryReader.read(out, LmEvalReader.Options.parse("acc_norm", false)));
        assertEquals(Map.of("lm-eval/hellaswag", 0.35), Map.of("lm-eval/hellaswag", norm.get("lm-eval/hellaswag").value()));
        assertEquals(1, norm.size());
        assertEquals(0.005, norm.get("lm-eval/hellaswag").stderr());

        Map<String, OfflineDetection.Point> strict = bySeries(HistoryReader.read(out,
                LmEvalReader.Options.parse("exact_match,strict-match", false)));
        assertEquals(0.02, strict.get("lm-eval/gsm8k").value());
        assertEquals(300, strict.get("lm-eval/gsm8k").step());
        Map<String, OfflineDetection.Point> every = bySeries(HistoryReader.read(out,
                LmEvalReader.Options.parse("exact_match", false)));
        assertEquals(List.of("lm-eval/gsm8k@flexible-extract", "lm-eval/gsm8k@strict-match"),
                every.keySet().stream().sorted().toList());

        HistoryException none = assertThrows(HistoryException.class,
                () -> HistoryReader.read(out, LmEvalReader.Options.parse("f1", false)));
        assertTrue(none.getMessage().contains("metrics found: acc, acc_norm, exact_match,flexible-extract"),
                none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LmEvalReader.Options.parse("acc,", false));
    }

    @Test
    void aFileWithoutAnyStepIsRefusedWithWhatWasTried() throws Exception {
        ObjectNode results = JSON.createObjectNode();
        results.set("arc_easy", task04("arc_easy", 0.64, 0.01));
        write(tmp.resolve("out/EleutherAI__pythia-160m/results_2026-01-01T00-00-00.json"),
                file04(results, JSON.getNodeFactory().textNode("pretrained=EleutherAI/pythia-160m")));
        HistoryException e = assertThrows(HistoryException.class, () -> HistoryReader.read(tmp.resolve("out")));
        assertTrue(e.getMessage().contains("cannot tell the checkpoint step"), e.getMessage());
        assertTrue(e.getMessage().contains("results_2026-01-01T00-00-00.json"), e.getMessage());
    }

    static Map<String, OfflineDetection.Point> bySeries(History h) {
        Map<String, OfflineDetection.Point> out = new java.util.TreeMap<>();
        h.points().forEach(p -> out.put(p.series(), p));
        return out;
    }
}
