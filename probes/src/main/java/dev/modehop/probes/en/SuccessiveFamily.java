package dev.modehop.probes.en;

import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.en.RepetitiveFamily.Qa;
import dev.modehop.probes.toy.SplitMix64;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Successive answer (ICL): demos in order whose (correct) answers count up one step at a time; the test
 * question's answer is not the next step. parrot = the next step, generalizing = the test's answer.
 */
final class SuccessiveFamily {
    private SuccessiveFamily() {
    }

    /** A task: how answers step, and how to ask for a given answer value. */
    private interface Task {
        String name();

        /** First demo value for {@code shots} demos (so that the whole run, plus one, stays in range). */
        int start(SplitMix64 rng, int shots);

        int step();

        /** A test value different from {@code not}. */
        int testValue(SplitMix64 rng, int not);

        Qa ask(SplitMix64 rng, int value);
    }

    static List<ProbeItem> generate(FamilyContext ctx) {
        List<ProbeItem> out = new ArrayList<>();
        for (Task t : tasks(ctx)) {
            out.addAll(task(ctx, t));
        }
        return out;
    }

    private static List<ProbeItem> task(FamilyContext ctx, Task t) {
        List<ProbeItem> out = new ArrayList<>();
        Set<String> testQuestions = new HashSet<>();
        for (int i = 0; i < ctx.itemsPerTask; i++) {
            SplitMix64 q = ctx.questionRng(t.name(), i);
            int start = t.start(q, ctx.shots);
            int next = start + ctx.shots * t.step();
            Qa test = null;
            for (int attempt = 0; attempt < 1000 && test == null; attempt++) {
                Qa candidate = t.ask(q, t.testValue(q, next));
                if (testQuestions.add(candidate.question())) {
                    test = candidate;
                }
            }
            if (test == null) {
                throw new ProbeSuiteException(ctx.templateFile + ": " + t.name() + " ran out of distinct test questions");
            }
            String parrot = t.ask(q, next).answer();
            for (int s = 0; s < ctx.seeds; s++) {
                SplitMix64 rng = ctx.demoRng(t.name(), i, s);
                List<String> demos = new ArrayList<>();
                for (int k = 0; k < ctx.shots; k++) {
                    demos.add(t.ask(rng, start + k * t.step()).demo());
                }
                out.add(ctx.item(t.name(), i, s, ctx.shots, FamilyContext.prompt(demos, test.question()),
                        test.answer(), parrot));
            }
        }
        return out;
    }

    private static String fill(FamilyContext ctx, String task, String key, Object a, Object b) {
        return ctx.node(task, key).asText().replace("{a}", String.valueOf(a)).replace("{b}", String.valueOf(b));
    }

    /** A plus or minus question whose answer is {@code value} (>= 1). */
    private static String sum(FamilyContext ctx, String task, SplitMix64 rng, int value) {
        if (value >= 2 && rng.nextInt(2) == 0) {
            int a = 1 + rng.nextInt(value - 1);
            return fill(ctx, task, "plus", a, value - a);
        }
        int b = 1 + rng.nextInt(12);
        return fill(ctx, task, "minus", value + b, b);
    }

    private static List<Task> tasks(FamilyContext ctx) {
        List<Task> tasks = new ArrayList<>();
        tasks.add(new Task() {
            public String name() {
                return "arithmetic";
            }

            public int start(SplitMix64 rng, int shots) {
                return 3 + rng.nextInt(18);
            }

            public int step() {
                return 1;
            }

            public int testValue(SplitMix64 rng, int not) {
                return RepetitiveFamily.pickOther(rng, 2, 45, not);
            }

            public Qa ask(SplitMix64 rng, int value) {
                return new Qa(sum(ctx, name(), rng, value), "" + value);
            }
        });
        tasks.add(new Task() {
            public String name() {
                return "number-words";
            }

            public int start(SplitMix64 rng, int shots) {
                return 1 + rng.nextInt(15);
            }

            public int step() {
                return 1;
            }

            public int testValue(SplitMix64 rng, int not) {
                return RepetitiveFamily.pickOther(rng, 1, 40, not);
            }

            public Qa ask(SplitMix64 rng, int value) {
                return new Qa(sum(ctx, name(), rng, value), NumberWords.cardinal(value));
            }
        });
        tasks.add(new Task() {
            public String name() {
                return "letters";
            }

            public int start(SplitMix64 rng, int shots) {
                return rng.nextInt(26 - shots);
            }

            public int step() {
                return 1;
            }

            public int testValue(SplitMix64 rng, int not) {
                return RepetitiveFamily.pickOther(rng, 0, 25, not);
            }

            public Qa ask(SplitMix64 rng, int value) {
                String letter = String.valueOf((char) ('A' + value));
                int kind = rng.nextInt(3);
                if (kind == 0 && value > 0) {
                    return new Qa(ctx.node(name(), "after").asText().replace("{x}", "" + (char) ('A' + value - 1)), letter);
                }
                if (kind == 1 && value < 25) {
                    return new Qa(ctx.node(name(), "before").asText().replace("{x}", "" + (char) ('A' + value + 1)), letter);
                }
                return new Qa(ctx.node(name(), "position").asText().replace("{n}", "" + (value + 1)), letter);
            }
        });
        tasks.add(new Task() {
            public String name() {
                return "even-numbers";
            }

            public int start(SplitMix64 rng, int shots) {
                return 2 * (1 + rng.nextInt(15));
            }

            public int step() {
                return 2;
            }

            public int testValue(SplitMix64 rng, int not) {
                return 2 * RepetitiveFamily.pickOther(rng, 1, 40, not / 2);
            }

            public Qa ask(SplitMix64 rng, int value) {
                if (rng.nextInt(2) == 0) {
                    return new Qa(fill(ctx, name(), "double", value / 2, ""), "" + value);
                }
                int a = 1 + rng.nextInt(value - 1);
                return new Qa(fill(ctx, name(), "plus", a, value - a), "" + value);
            }
        });
        return tasks;
    }
}
