package dev.modehop.probes.gdsuite;

import dev.modehop.probes.gdsuite.GdsuiteConfig.DemoStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * GDsuite's prompts for one task: per seed {@code s} a fresh {@code random.Random(s)} draws the demos of every
 * test row by the family's strategy, and the prompt is {@code joiner.join(blocks + [test.prompt])} with a
 * block {@code demo.prompt + " " + demo.answer}. The order of draws is GDsuite's, so the prompts are its
 * prompts byte for byte:
 * <ul>
 *   <li>pool: the demo rows of demo set {@code s % (max demo_set + 1)} when rows carry one, else all, file order;</li>
 *   <li>{@code balanced}: shuffle label-0 demos, shuffle label-1 demos, take {@code k // 2} of each, shuffle
 *       the concatenation; once per seed (a demo row without a label is an error);</li>
 *   <li>{@code random}: {@code sample(pool, min(k, len(pool)))} per test row, the rng running on;</li>
 *   <li>{@code ordered}: {@code pool[:k]}, once per seed;</li>
 *   <li>{@code none}, no k, or no demo rows: no demos and the single seed 0.</li>
 * </ul>
 */
final class PromptConstruction {
    private PromptConstruction() {
    }

    /** One built prompt: the test row it asks, its GDsuite seed and how many demos precede it. */
    record Prompt(TaskFile.Test test, int index, int seed, int shots, String text) {
    }

    /** Seeds the task is evaluated with: the family's, or only seed 0 when it has no demos to resample. */
    static int seeds(DemoStrategy strategy, Integer k, TaskFile file, int familySeeds) {
        return zeroShot(strategy, k, file) ? 1 : familySeeds;
    }

    static boolean zeroShot(DemoStrategy strategy, Integer k, TaskFile file) {
        return strategy == DemoStrategy.NONE || k == null || file.demos().isEmpty();
    }

    /** Every (seed, test row) prompt of the task, seed-major, rows in file order. */
    static List<Prompt> build(DemoStrategy strategy, String joiner, Integer k, int familySeeds, TaskFile file) {
        List<Prompt> out = new ArrayList<>();
        List<TaskFile.Test> tests = file.tests();
        if (zeroShot(strategy, k, file)) {
            for (int i = 0; i < tests.size(); i++) {
                out.add(new Prompt(tests.get(i), i, 0, 0, tests.get(i).prompt()));
            }
            return out;
        }
        int demoSets = file.demos().stream().mapToInt(d -> d.demoSet() == null ? -1 : d.demoSet()).max().orElse(-1) + 1;
        for (int seed = 0; seed < familySeeds; seed++) {
            CPythonRandom rng = new CPythonRandom(seed);
            List<TaskFile.Demo> pool = pool(file, seed, demoSets);
            List<TaskFile.Demo> shared = switch (strategy) {
                case BALANCED -> balanced(file, pool, k, rng);
                case ORDERED -> pool.subList(0, Math.min(k, pool.size()));
                default -> null;
            };
            for (int i = 0; i < tests.size(); i++) {
                List<TaskFile.Demo> demos = shared != null ? shared : rng.sample(pool, Math.min(k, pool.size()));
                out.add(new Prompt(tests.get(i), i, seed, demos.size(), join(joiner, demos, tests.get(i).prompt())));
            }
        }
        return out;
    }

    private static List<TaskFile.Demo> pool(TaskFile file, int seed, int demoSets) {
        if (demoSets == 0) {
            return file.demos();
        }
        int set = seed % demoSets;
        return file.demos().stream().filter(d -> d.demoSet() == set).toList();
    }

    private static List<TaskFile.Demo> balanced(TaskFile file, List<TaskFile.Demo> pool, int k, CPythonRandom rng) {
        List<TaskFile.Demo> zeros = new ArrayList<>();
        List<TaskFile.Demo> ones = new ArrayList<>();
        for (TaskFile.Demo d : pool) {
            if (d.label() == null) {
                throw file.source().error(d.line(), "demo row without 'label' in a task of the balanced strategy");
            }
            // Other labels are in neither group, as in GDsuite's selection by label == 0 and label == 1.
            if (d.label() == 0) {
                zeros.add(d);
            } else if (d.label() == 1) {
                ones.add(d);
            }
        }
        rng.shuffle(zeros);
        rng.shuffle(ones);
        int half = k / 2;
        List<TaskFile.Demo> chosen = new ArrayList<>(zeros.subList(0, Math.min(half, zeros.size())));
        chosen.addAll(ones.subList(0, Math.min(half, ones.size())));
        rng.shuffle(chosen);
        return chosen;
    }

    static String join(String joiner, List<TaskFile.Demo> demos, String testPrompt) {
        StringBuilder sb = new StringBuilder();
        for (TaskFile.Demo d : demos) {
            sb.append(d.block()).append(joiner);
        }
        return sb.append(testPrompt).toString();
    }
}
