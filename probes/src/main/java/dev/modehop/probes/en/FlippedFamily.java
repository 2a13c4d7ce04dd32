package dev.modehop.probes.en;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.toy.SplitMix64;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Flipped answer (ICL): every demo shows its text with the flipped label; the test text's parrot answer
 * is its usual label, the generalizing answer the flipped one. Demo labels are balanced, order shuffled;
 * test texts never appear as demos.
 */
final class FlippedFamily {
    private FlippedFamily() {
    }

    private record Labeled(String text, String label) {
    }

    static List<ProbeItem> generate(FamilyContext ctx) {
        List<ProbeItem> out = new ArrayList<>();
        var names = ctx.templates.fieldNames();
        while (names.hasNext()) {
            String task = names.next();
            out.addAll(task(ctx, task));
        }
        return out;
    }

    private static List<ProbeItem> task(FamilyContext ctx, String task) {
        List<String> labels = ctx.strings(task, "labels");
        JsonNode flip = ctx.node(task, "flip");
        Map<String, List<String>> pool = new LinkedHashMap<>();
        for (String label : labels) {
            pool.put(label, new ArrayList<>(new java.util.LinkedHashSet<>(texts(ctx, task, label))));
            String flipped = flip.path(label).asText("");
            if (!labels.contains(flipped) || flipped.equals(label)) {
                throw new ProbeSuiteException(ctx.templateFile + ": " + task + ".flip must map '" + label
                        + "' to another label");
            }
        }
        String question = ctx.node(task, "question").asText();
        String demo = ctx.node(task, "demo").asText();

        // Test texts first, so demos can avoid all of them.
        List<Labeled> tests = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < ctx.itemsPerTask; i++) {
            String label = labels.get(i % labels.size());
            List<String> candidates = pool.get(label);
            if (used.size() >= sizeOf(pool) - ctx.shots) {
                throw new ProbeSuiteException(ctx.templateFile + ": " + task + " has too few texts for "
                        + ctx.itemsPerTask + " items");
            }
            SplitMix64 rng = ctx.questionRng(task, i);
            String text;
            do {
                text = FamilyContext.pick(rng, candidates);
            } while (used.contains(text));
            used.add(text);
            tests.add(new Labeled(text, label));
        }
        Map<String, List<String>> demoPool = new LinkedHashMap<>();
        pool.forEach((label, texts) -> demoPool.put(label, texts.stream().filter(t -> !used.contains(t)).toList()));

        List<ProbeItem> out = new ArrayList<>();
        for (int i = 0; i < tests.size(); i++) {
            Labeled test = tests.get(i);
            for (int s = 0; s < ctx.seeds; s++) {
                SplitMix64 rng = ctx.demoRng(task, i, s);
                List<Labeled> demos = new ArrayList<>();
                for (int k = 0; k < ctx.shots; k++) {
                    String label = labels.get(k % labels.size());
                    List<String> texts = demoPool.get(label);
                    Set<String> chosen = new HashSet<>();
                    demos.forEach(d -> chosen.add(d.text()));
                    String text;
                    do {
                        text = FamilyContext.pick(rng, texts);
                    } while (chosen.contains(text));
                    demos.add(new Labeled(text, label));
                }
                shuffle(rng, demos);
                List<String> blocks = demos.stream().map(d -> demo.replace("{text}", d.text())
                        .replace("{label}", flip.path(d.label()).asText())).toList();
                String prompt = FamilyContext.prompt(blocks, question.replace("{text}", test.text()));
                out.add(ctx.item(task, i, s, ctx.shots, prompt, flip.path(test.label()).asText(), test.label()));
            }
        }
        return out;
    }

    private static int sizeOf(Map<String, List<String>> pool) {
        return pool.values().stream().mapToInt(List::size).sum();
    }

    /** Texts of one label: from {@code frames x things x <label> adjectives}, or subjects x predicates. */
    private static List<String> texts(FamilyContext ctx, String task, String label) {
        List<String> out = new ArrayList<>();
        if (ctx.templates.path(task).has("frames")) {
            for (String frame : ctx.strings(task, "frames")) {
                for (String thing : ctx.strings(task, "things")) {
                    for (String adj : ctx.strings(task, label)) {
                        out.add(frame.replace("{thing}", thing).replace("{adj}", adj));
                    }
                }
            }
        } else {
            for (String subject : ctx.strings(task, "sentences", label, "subjects")) {
                for (String predicate : ctx.strings(task, "sentences", label, "predicates")) {
                    out.add(subject + " " + predicate);
                }
            }
        }
        return out;
    }

    static <T> void shuffle(SplitMix64 rng, List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
