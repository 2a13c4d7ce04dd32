package dev.modehop.probes.gdsuite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.probes.GenerativeItem;
import dev.modehop.probes.ProbeItem;
import dev.modehop.probes.ProbeSuiteException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A GDsuite data tree read under a configuration: the choice rows as probe items with GDsuite's exact
 * prompts, the persona QA prompts for generative scoring, what configuration each task used and the
 * checksums of every source file read. Tasks of the configuration that are absent from the tree are
 * skipped with a warning; a tree with none of them is an error.
 *
 * <p>Mapping: family names stay GDsuite's; a nested task's {@code /} becomes {@code .}; a row's id is
 * {@code <family>/<task>/<i>}, {@code i} the test row's 0-based position among the file's test rows; seed is
 * the GDsuite seed; generalizing = {@code correct_answer}, parrot = {@code incorrect_answer}; the other
 * test-row fields are the item's metadata.
 */
public record GdsuiteTree(Path root, GdsuiteConfig config, List<ProbeItem> items, List<PersonaQa.Prompt> personaPrompts,
                          List<GenerativeItem> generativeItems, ObjectNode source, List<String> warnings) {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String GENERATOR = "gdsuite-import";

    public GdsuiteTree {
        items = List.copyOf(items);
        personaPrompts = List.copyOf(personaPrompts);
        generativeItems = List.copyOf(generativeItems);
        warnings = List.copyOf(warnings);
    }

    /** The modehop task name of a GDsuite task path ({@code algebra/v2fmt} -> {@code algebra.v2fmt}). */
    public static String taskName(String gdsuiteTask) {
        return gdsuiteTask.replace('/', '.');
    }

    public static GdsuiteTree read(Path root, GdsuiteConfig config) {
        if (!Files.isDirectory(root)) {
            throw new ProbeSuiteException(root + ": no such GDsuite data folder");
        }
        List<ProbeItem> items = new ArrayList<>();
        List<PersonaQa.Prompt> personaPrompts = new ArrayList<>();
        List<GenerativeItem> generativeItems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        ObjectNode source = JSON.createObjectNode();
        source.put("kind", "gdsuite");
        source.put("dataDir", root.toAbsolutePath().normalize().toString());
        source.put("config", config.origin());
        ArrayNode tasks = source.putArray("tasks");
        ArrayNode files = source.putArray("files");
        Map<String, String> seenNames = new HashMap<>();
        for (GdsuiteConfig.ChoiceFamily family : config.families()) {
            for (GdsuiteConfig.TaskSpec spec : family.tasks()) {
                Path file = root.resolve(family.dataDir()).resolve(spec.name() + ".jsonl").normalize();
                if (!file.startsWith(root.normalize())) {
                    throw new ProbeSuiteException(config.origin() + ": task " + family.name() + "/" + spec.name()
                            + " points outside the data folder");
                }
                if (!Files.isRegularFile(file)) {
                    warnings.add("task " + family.name() + "/" + spec.name() + " skipped: " + file + " not found");
                    continue;
                }
                String task = taskName(spec.name());
                String previous = seenNames.put(family.name() + "/" + task, spec.name());
                if (previous != null) {
                    throw new ProbeSuiteException(config.origin() + ": tasks '" + previous + "' and '" + spec.name()
                            + "' of " + family.name() + " both become task id '" + task + "'");
                }
                SourceFile sf = SourceFile.read(root, file);
                files.addObject().put("path", sf.relative()).put("sha256", sf.sha256());
                TaskFile tf = TaskFile.parse(sf);
                List<PromptConstruction.Prompt> prompts = PromptConstruction.build(family.strategy(), family.joiner(),
                        spec.k(), family.seeds(), tf);
                for (PromptConstruction.Prompt p : prompts) {
                    ProbeItem item = new ProbeItem(family.name() + "/" + task + "/" + p.index(), family.name(), task,
                            p.seed(), p.shots(), p.text(), p.test().correct(), p.test().incorrect(),
                            p.test().metadata().isEmpty() ? null : p.test().metadata());
                    String problem = item.problem();
                    if (problem != null) {
                        throw sf.error(p.test().line(), problem);
                    }
                    items.add(item);
                }
                int seeds = PromptConstruction.seeds(family.strategy(), spec.k(), tf, family.seeds());
                ObjectNode t = tasks.addObject();
                t.put("family", family.name()).put("task", task).put("gdsuiteTask", spec.name()).put("file", sf.relative())
                        .put("strategy", PromptConstruction.zeroShot(family.strategy(), spec.k(), tf) ? "none"
                                : family.strategy().yamlName())
                        .put("joiner", family.joiner());
                if (spec.k() == null) {
                    t.putNull("k");
                } else {
                    t.put("k", spec.k());
                }
                t.put("seeds", seeds).put("demoRows", tf.demos().size()).put("testRows", tf.tests().size());
                if (spec.k() != null && spec.k() > tf.demos().size() && !tf.demos().isEmpty()) {
                    warnings.add("task " + family.name() + "/" + spec.name() + ": k " + spec.k() + " exceeds its "
                            + tf.demos().size() + " demo rows; every demo is used, as GDsuite does");
                }
            }
        }
        ArrayNode generative = source.putArray("generative");
        for (GdsuiteConfig.PersonaFamily family : config.personaFamilies()) {
            for (String persona : family.personas()) {
                Path dir = root.resolve(family.dataDir()).resolve(persona);
                Path facts = dir.resolve("facts.jsonl");
                Path questions = dir.resolve("test_questions.json");
                if (!Files.isRegularFile(facts) || !Files.isRegularFile(questions)) {
                    warnings.add("persona " + family.name() + "/" + persona + " skipped: "
                            + (Files.isRegularFile(facts) ? questions : facts) + " not found");
                    continue;
                }
                SourceFile f = SourceFile.read(root, facts);
                SourceFile q = SourceFile.read(root, questions);
                files.addObject().put("path", f.relative()).put("sha256", f.sha256());
                files.addObject().put("path", q.relative()).put("sha256", q.sha256());
                PersonaQa qa = PersonaQa.parse(persona, f, q);
                List<PersonaQa.Prompt> prompts = qa.prompts(family.joiner(), family.seeds());
                personaPrompts.addAll(prompts);
                for (PersonaQa.Prompt p : prompts) {
                    GenerativeItem item = generativeItem(family, p);
                    String problem = item.problem();
                    if (problem != null) {
                        throw new ProbeSuiteException(q.path() + ": question '" + p.question().id() + "': " + problem);
                    }
                    generativeItems.add(item);
                }
                ObjectNode g = generative.addObject();
                g.put("family", family.name()).put("persona", persona).put("seeds", family.seeds())
                        .put("questions", qa.questions().size()).put("facts", qa.blocks().size())
                        .put("samplesPerQuestion", family.samplesPerQuestion()).put("temperature", family.temperature())
                        .put("maxNewTokens", family.maxNewTokens()).put("joiner", family.joiner());
                ArrayNode stop = g.putArray("stop");
                family.stop().forEach(stop::add);
            }
        }
        if (items.isEmpty()) {
            throw new ProbeSuiteException(root + ": none of the choice tasks of " + config.origin()
                    + " is in this folder (expected files like <family>/<task>.jsonl)");
        }
        source.put("treeSha256", treeChecksum(files));
        return new GdsuiteTree(root, config, items, personaPrompts, generativeItems, source, warnings);
    }

    /**
     * A persona prompt as a generative row: id {@code <family>/<persona>/<question id>}, task = the persona, the
     * GDsuite seed (which shuffled the facts) also seeding the samples, the family's sampling settings.
     */
    static GenerativeItem generativeItem(GdsuiteConfig.PersonaFamily family, PersonaQa.Prompt p) {
        ObjectNode metadata = JSON.createObjectNode().put("questionId", p.question().id());
        if (p.question().category() != null) {
            metadata.put("category", p.question().category());
        }
        return new GenerativeItem(family.name() + "/" + p.persona() + "/" + p.question().id(), family.name(),
                p.persona(), p.seed(), p.text(), p.question().expectedAnswerRegex(), family.samplesPerQuestion(),
                family.temperature(), family.maxNewTokens(), family.stop(), metadata);
    }

    /** One checksum over the paths and checksums of every source file, in reading order. */
    private static String treeChecksum(ArrayNode files) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            files.forEach(f -> d.update((f.get("path").asText() + " " + f.get("sha256").asText() + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The suite version: the tree's checksum, so scores name the exact data they came from. */
    public String version() {
        return "tree-" + source.get("treeSha256").asText().substring(0, 12);
    }
}
