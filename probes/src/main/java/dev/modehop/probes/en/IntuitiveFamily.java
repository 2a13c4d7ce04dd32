package dev.modehop.probes.en;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.toy.SplitMix64;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Intuitive answer (zero-shot, Cognitive-Reflection style): templated variants of four puzzles whose quick
 * answer is wrong. parrot = the intuitive answer, generalizing = the reasoned one. One seed, no demos.
 */
final class IntuitiveFamily {
    private IntuitiveFamily() {
    }

    private record Puzzle(String question, String reasoned, String intuitive) {
    }

    static List<ProbeItem> generate(FamilyContext ctx) {
        List<ProbeItem> out = new ArrayList<>();
        out.addAll(task(ctx, "price-difference", rng -> {
            JsonNode pair = pickNode(rng, ctx.node("price-difference", "pairs"));
            int diff = 100 + 50 * rng.nextInt(3);
            int total = diff + 10 * (1 + rng.nextInt(20));
            String q = ctx.node("price-difference", "question").asText().replace("{a}", pair.get(0).asText())
                    .replace("{b}", pair.get(1).asText()).replace("{total}", dollars(total))
                    .replace("{diff}", dollars(diff));
            return new Puzzle(q, "" + (total - diff) / 2, "" + (total - diff));
        }));
        out.addAll(task(ctx, "machines", rng -> {
            int n = 3 + rng.nextInt(10);
            int m = 10 * (5 + rng.nextInt(46));
            String q = ctx.node("machines", "question").asText()
                    .replace("{makers}", FamilyContext.pick(rng, ctx.strings("machines", "makers")))
                    .replace("{things}", FamilyContext.pick(rng, ctx.strings("machines", "things")))
                    .replace("{n}", "" + n).replace("{m}", "" + m);
            return new Puzzle(q, "" + n, "" + m);
        }));
        out.addAll(task(ctx, "doubling", rng -> {
            int d = 2 * (4 + rng.nextInt(45));
            String q = ctx.node("doubling", "question").asText()
                    .replace("{plant}", FamilyContext.pick(rng, ctx.strings("doubling", "plants")))
                    .replace("{water}", FamilyContext.pick(rng, ctx.strings("doubling", "waters")))
                    .replace("{d}", "" + d);
            return new Puzzle(q, "" + (d - 1), "" + (d / 2));
        }));
        out.addAll(task(ctx, "race-position", rng -> {
            JsonNode race = pickNode(rng, ctx.node("race-position", "races"));
            int place = 2 + rng.nextInt(29);
            String q = ctx.node("race-position", "question").asText().replace("{race}", race.get(0).asText())
                    .replace("{racer}", race.get(1).asText()).replace("{place}", NumberWords.ordinal(place));
            return new Puzzle(q, NumberWords.ordinal(place), NumberWords.ordinal(place - 1));
        }));
        return out;
    }

    private static List<ProbeItem> task(FamilyContext ctx, String task, Function<SplitMix64, Puzzle> maker) {
        List<ProbeItem> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ctx.itemsPerTask; i++) {
            SplitMix64 rng = ctx.questionRng(task, i);
            Puzzle p = null;
            for (int attempt = 0; attempt < 1000 && p == null; attempt++) {
                Puzzle candidate = maker.apply(rng);
                if (seen.add(candidate.question())) {
                    p = candidate;
                }
            }
            if (p == null) {
                throw new ProbeSuiteException(ctx.templateFile + ": " + task + " ran out of distinct puzzles");
            }
            out.add(ctx.item(task, i, 0, 0, p.question(), p.reasoned(), p.intuitive()));
        }
        return out;
    }

    private static JsonNode pickNode(SplitMix64 rng, JsonNode array) {
        return array.get(rng.nextInt(array.size()));
    }

    private static String dollars(int cents) {
        return String.format("$%d.%02d", cents / 100, cents % 100);
    }
}
