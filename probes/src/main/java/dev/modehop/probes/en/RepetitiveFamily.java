package dev.modehop.probes.en;

import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.toy.SplitMix64;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Repetitive answer (ICL): all demos have the same (correct) answer V; the test question's answer differs.
 * parrot = V, generalizing = the test question's answer.
 */
final class RepetitiveFamily {
    private RepetitiveFamily() {
    }

    /** A question text (without its answer) and its answer. */
    record Qa(String question, String answer) {
        String demo() {
            return question + " " + answer;
        }
    }

    static List<ProbeItem> generate(FamilyContext ctx) {
        List<ProbeItem> out = new ArrayList<>();
        out.addAll(task(ctx, "arithmetic", (rng, v) -> arithmetic(ctx, rng, v), rng -> 6 + rng.nextInt(14),
                (rng, v) -> pickOther(rng, 2, 30, v)));
        List<String> words = ctx.strings("letter-count", "words");
        out.addAll(task(ctx, "letter-count", (rng, v) -> letterCount(ctx, words, rng, v),
                rng -> 3 + rng.nextInt(7), (rng, v) -> pickOther(rng, 3, 9, v)));
        out.addAll(task(ctx, "code-trace", (rng, v) -> codeTrace(ctx, rng, v), rng -> 6 + rng.nextInt(25),
                (rng, v) -> pickOther(rng, 2, 40, v)));
        out.addAll(task(ctx, "logic", (rng, v) -> logic(ctx, rng, v == 1), rng -> rng.nextInt(2),
                (rng, v) -> 1 - v));
        return out;
    }

    interface QuestionMaker extends BiFunction<SplitMix64, Integer, Qa> {
    }

    private static List<ProbeItem> task(FamilyContext ctx, String task, QuestionMaker maker,
                                        java.util.function.ToIntFunction<SplitMix64> repeatedValue,
                                        BiFunction<SplitMix64, Integer, Integer> testValue) {
        List<ProbeItem> out = new ArrayList<>();
        Set<String> testQuestions = new HashSet<>();
        for (int i = 0; i < ctx.itemsPerTask; i++) {
            SplitMix64 q = ctx.questionRng(task, i);
            int repeated = repeatedValue.applyAsInt(q);
            Qa test = null;
            for (int attempt = 0; attempt < 1000 && test == null; attempt++) {
                Qa candidate = maker.apply(q, testValue.apply(q, repeated));
                if (testQuestions.add(candidate.question())) {
                    test = candidate;
                }
            }
            if (test == null) {
                throw new ProbeSuiteException(ctx.templateFile + ": " + task + " ran out of distinct test questions");
            }
            Qa parrot = maker.apply(q, repeated);
            for (int s = 0; s < ctx.seeds; s++) {
                SplitMix64 rng = ctx.demoRng(task, i, s);
                List<String> demos = distinctDemos(ctx, task, rng, () -> maker.apply(rng, repeated), test.question());
                out.add(ctx.item(task, i, s, ctx.shots, FamilyContext.prompt(demos, test.question()), test.answer(),
                        parrot.answer()));
            }
        }
        return out;
    }

    /** {@code ctx.shots} distinct demo blocks, none asking the test question. */
    static List<String> distinctDemos(FamilyContext ctx, String task, SplitMix64 rng,
                                      java.util.function.Supplier<Qa> maker, String testQuestion) {
        Set<String> demos = new LinkedHashSet<>();
        for (int attempt = 0; demos.size() < ctx.shots; attempt++) {
            if (attempt > 10_000) {
                throw new ProbeSuiteException(ctx.templateFile + ": " + task + " cannot make " + ctx.shots + " distinct demos");
            }
            Qa qa = maker.get();
            if (!qa.question().equals(testQuestion)) {
                demos.add(qa.demo());
            }
        }
        return new ArrayList<>(demos);
    }

    static int pickOther(SplitMix64 rng, int lo, int hi, int not) {
        while (true) {
            int v = lo + rng.nextInt(hi - lo + 1);
            if (v != not) {
                return v;
            }
        }
    }

    static Qa arithmetic(FamilyContext ctx, SplitMix64 rng, int value) {
        if (rng.nextInt(2) == 0 && value >= 2) {
            int a = 1 + rng.nextInt(value - 1);
            return new Qa(ctx.node("arithmetic", "plus").asText().replace("{a}", "" + a).replace("{b}", "" + (value - a)),
                    "" + value);
        }
        int b = 1 + rng.nextInt(20);
        return new Qa(ctx.node("arithmetic", "minus").asText().replace("{a}", "" + (value + b)).replace("{b}", "" + b),
                "" + value);
    }

    private static Qa letterCount(FamilyContext ctx, List<String> words, SplitMix64 rng, int length) {
        List<String> fitting = words.stream().filter(w -> w.length() == length).toList();
        if (fitting.isEmpty()) {
            throw new ProbeSuiteException(ctx.templateFile + ": letter-count has no word of length " + length);
        }
        String word = FamilyContext.pick(rng, fitting);
        return new Qa(ctx.node("letter-count", "question").asText().replace("{word}", word), "" + length);
    }

    private static Qa codeTrace(FamilyContext ctx, SplitMix64 rng, int value) {
        int kind = rng.nextInt(4);
        String key;
        int a;
        int b;
        if (kind == 2) {
            List<Integer> divisors = new ArrayList<>();
            for (int d = 2; d < value; d++) {
                if (value % d == 0) {
                    divisors.add(d);
                }
            }
            if (divisors.isEmpty()) {
                kind = 0;
            } else {
                b = FamilyContext.pick(rng, divisors);
                return new Qa(ctx.node("code-trace", "mul").asText().replace("{a}", "" + (value / b))
                        .replace("{b}", "" + b), "" + value);
            }
        }
        if (kind == 1) {
            b = 1 + rng.nextInt(15);
            a = value + b;
            key = "sub";
        } else {
            a = 1 + rng.nextInt(value - 1);
            b = value - a;
            key = kind == 3 ? "sum" : "add";
        }
        return new Qa(ctx.node("code-trace", key).asText().replace("{a}", "" + a).replace("{b}", "" + b), "" + value);
    }

    private static Qa logic(FamilyContext ctx, SplitMix64 rng, boolean yes) {
        String noun = FamilyContext.pick(rng, ctx.strings("logic", "nouns"));
        String adj = FamilyContext.pick(rng, ctx.strings("logic", "adjectives"));
        String name = FamilyContext.pick(rng, ctx.strings("logic", "names"));
        String template = ctx.node("logic", yes ? "all" : "none").asText();
        return new Qa(template.replace("{plural}", noun + "s").replace("{noun}", noun).replace("{adj}", adj)
                .replace("{name}", name), yes ? "yes" : "no");
    }
}
