package dev.modehop.probes.en;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modehop.probes.GenerativeItem;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.toy.SplitMix64;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Multi-hop persona QA, generative: per persona of {@code templates/persona.json} (our own invented people) the
 * facts become blocks {@code "Q: " + question + "\nA: " + answer}, shuffled once per seed, joined by a blank
 * line and followed by {@code "Q: " + test question + "\nA:"}, as GDsuite builds its persona prompts. Each test
 * question needs facts combined; its answer is a regex matched in sampled completions. One task per persona,
 * one row per (question, seed); samples, temperature, max new tokens and stop strings come from the template.
 */
final class PersonaFamily {
    private PersonaFamily() {
    }

    static List<GenerativeItem> generate(FamilyContext ctx) {
        int samples = ctx.node("samples").asInt();
        double temperature = ctx.node("temperature").asDouble();
        int maxNewTokens = ctx.node("maxNewTokens").asInt();
        List<String> stop = ctx.strings("stop");
        List<GenerativeItem> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> personas = ctx.node("personas").fields();
        while (personas.hasNext()) {
            Map.Entry<String, JsonNode> persona = personas.next();
            String task = persona.getKey();
            List<String> blocks = new ArrayList<>();
            for (JsonNode fact : ctx.node("personas", task, "facts")) {
                blocks.add("Q: " + fact.get(0).asText() + "\nA: " + fact.get(1).asText());
            }
            JsonNode questions = ctx.node("personas", task, "questions");
            if (blocks.isEmpty() || !questions.isArray() || questions.isEmpty()) {
                throw new ProbeSuiteException(ctx.templateFile + ": persona '" + task + "' needs facts and questions");
            }
            for (int seed = 0; seed < ctx.seeds; seed++) {
                List<String> shuffled = shuffle(blocks, ctx.demoRng(task, 0, seed));
                String prefix = String.join("\n\n", shuffled) + "\n\n";
                for (JsonNode q : questions) {
                    out.add(new GenerativeItem(ctx.family + "/" + task + "/" + q.get("id").asText(), ctx.family, task,
                            seed, prefix + "Q: " + q.get("question").asText() + "\nA:", q.get("answer").asText(),
                            samples, temperature, maxNewTokens, stop, null));
                }
            }
        }
        return out;
    }

    /** Fisher-Yates with the seed's stream: each seed orders the facts differently. */
    private static List<String> shuffle(List<String> blocks, SplitMix64 rng) {
        List<String> out = new ArrayList<>(blocks);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            String t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }
}
