package dev.modehop.probes.en;

import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.toy.SplitMix64;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Truthy answer (ICL): demos are claims labelled with their (correct) truth value, most of them with the
 * majority label M; the test claim's truth is not M. parrot = M, generalizing = the test claim's truth.
 * M alternates between true and false across questions.
 */
final class TruthyFamily {
    private TruthyFamily() {
    }

    private record Claim(String text, boolean truth) {
    }

    private interface ClaimMaker {
        Claim make(SplitMix64 rng, boolean truth);
    }

    static List<ProbeItem> generate(FamilyContext ctx) {
        List<ProbeItem> out = new ArrayList<>();
        out.addAll(task(ctx, "arithmetic", (rng, truth) -> {
            int a = 2 + rng.nextInt(49);
            int b = 2 + rng.nextInt(49);
            int c = a + b;
            if (!truth) {
                int off = 1 + rng.nextInt(3);
                c += rng.nextInt(2) == 0 ? off : -off;
            }
            return new Claim(fill(ctx, "arithmetic", "claim", "{a}", a, "{b}", b, "{c}", c), truth);
        }));
        out.addAll(task(ctx, "comparison", (rng, truth) -> {
            int a = 1 + rng.nextInt(99);
            int b;
            do {
                b = 1 + rng.nextInt(99);
            } while (b == a);
            int big = Math.max(a, b);
            int small = Math.min(a, b);
            return truth ? new Claim(fill(ctx, "comparison", "claim", "{a}", big, "{b}", small), true)
                    : new Claim(fill(ctx, "comparison", "claim", "{a}", small, "{b}", big), false);
        }));
        out.addAll(task(ctx, "alphabet", (rng, truth) -> {
            int x = rng.nextInt(26);
            int y;
            do {
                y = rng.nextInt(26);
            } while (y == x);
            char first = (char) ('A' + Math.min(x, y));
            char second = (char) ('A' + Math.max(x, y));
            return truth ? new Claim(fill(ctx, "alphabet", "claim", "{x}", first, "{y}", second), true)
                    : new Claim(fill(ctx, "alphabet", "claim", "{x}", second, "{y}", first), false);
        }));
        List<String> days = ctx.strings("calendar", "days");
        List<String> months = ctx.strings("calendar", "months");
        out.addAll(task(ctx, "calendar", (rng, truth) -> {
            if (rng.nextInt(3) == 0) {
                int m = rng.nextInt(months.size());
                int n = truth ? m + 1 : RepetitiveFamily.pickOther(rng, 1, 12, m + 1);
                return new Claim(fill(ctx, "calendar", "monthNumber", "{x}", months.get(m), "{n}", n), truth);
            }
            List<String> cycle = rng.nextInt(2) == 0 ? days : months;
            int x = rng.nextInt(cycle.size());
            int y = truth ? (x + 1) % cycle.size() : (x + 2 + rng.nextInt(cycle.size() - 2)) % cycle.size();
            return new Claim(fill(ctx, "calendar", "after", "{x}", cycle.get(x), "{y}", cycle.get(y)), truth);
        }));
        return out;
    }

    private static List<ProbeItem> task(FamilyContext ctx, String task, ClaimMaker maker) {
        String question = ctx.node("format", "question").asText();
        String trueLabel = ctx.node("format", "true").asText();
        String falseLabel = ctx.node("format", "false").asText();
        double share = ctx.node("format", "majorityShare").asDouble();
        int majority = (int) Math.round(ctx.shots * share);
        if (majority <= ctx.shots / 2 || majority > ctx.shots) {
            throw new ProbeSuiteException(ctx.templateFile + ": majorityShare " + share + " gives no majority of "
                    + ctx.shots + " demos");
        }
        List<ProbeItem> out = new ArrayList<>();
        Set<String> testClaims = new HashSet<>();
        for (int i = 0; i < ctx.itemsPerTask; i++) {
            boolean majorityTruth = i % 2 == 0;
            SplitMix64 q = ctx.questionRng(task, i);
            Claim test = null;
            for (int attempt = 0; attempt < 1000 && test == null; attempt++) {
                Claim c = maker.make(q, !majorityTruth);
                if (testClaims.add(c.text())) {
                    test = c;
                }
            }
            if (test == null) {
                throw new ProbeSuiteException(ctx.templateFile + ": " + task + " ran out of distinct test claims");
            }
            for (int s = 0; s < ctx.seeds; s++) {
                SplitMix64 rng = ctx.demoRng(task, i, s);
                List<Claim> demos = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                seen.add(test.text());
                for (int k = 0; k < ctx.shots; k++) {
                    boolean truth = k < majority ? majorityTruth : !majorityTruth;
                    Claim c;
                    int attempt = 0;
                    do {
                        if (++attempt > 10_000) {
                            throw new ProbeSuiteException(ctx.templateFile + ": " + task + " cannot make distinct demos");
                        }
                        c = maker.make(rng, truth);
                    } while (!seen.add(c.text()));
                    demos.add(c);
                }
                FlippedFamily.shuffle(rng, demos);
                List<String> blocks = demos.stream().map(d -> question.replace("{claim}", d.text()) + " "
                        + (d.truth() ? trueLabel : falseLabel)).toList();
                String prompt = FamilyContext.prompt(blocks, question.replace("{claim}", test.text()));
                out.add(ctx.item(task, i, s, ctx.shots, prompt, test.truth() ? trueLabel : falseLabel,
                        majorityTruth ? trueLabel : falseLabel));
            }
        }
        return out;
    }

    private static String fill(FamilyContext ctx, String task, String key, Object... pairs) {
        String s = ctx.node(task, key).asText();
        for (int p = 0; p < pairs.length; p += 2) {
            s = s.replace((String) pairs[p], String.valueOf(pairs[p + 1]));
        }
        return s;
    }
}
