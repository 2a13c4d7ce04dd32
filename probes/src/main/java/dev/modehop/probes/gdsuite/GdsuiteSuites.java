package dev.modehop.probes.gdsuite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.SuiteManifest;
import dev.modehop.probes.SuiteSpec;
import dev.modehop.probes.SuiteWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GDsuite data trees as {@code modehop-probes/1} suites: {@code gdsuite:DATA_DIR[?config=FILE]} wherever a
 * suite is named (built in memory), and {@link #importTo} for a suite folder on disk. Without a config the
 * published GDsuite configuration applies.
 */
public final class GdsuiteSuites {
    public static final String SCHEME = "gdsuite:";
    public static final String SUITE_NAME = "gdsuite";
    /** Where the persona QA prompts go inside an imported suite folder (generative: not scored as choices). */
    public static final String GENERATIVE_FILE = "generative/multihop_persona_qa.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GdsuiteSuites() {
    }

    /** {@code gdsuite:DATA_DIR[?config=FILE]} split into its folder and optional config file. */
    public record Location(Path dataDir, Path config) {
        public static Location parse(String spec) {
            if (!spec.startsWith(SCHEME)) {
                throw new ProbeSuiteException("'" + spec + "' is not a gdsuite:DATA_DIR[?config=FILE] suite");
            }
            String rest = spec.substring(SCHEME.length());
            Path config = null;
            int q = rest.indexOf('?');
            if (q >= 0) {
                String query = rest.substring(q + 1);
                rest = rest.substring(0, q);
                if (!query.startsWith("config=") || query.length() == "config=".length()) {
                    throw new ProbeSuiteException("suite '" + spec + "': the only option is ?config=FILE");
                }
                config = Path.of(query.substring("config=".length()));
            }
            if (rest.isEmpty()) {
                throw new ProbeSuiteException("suite '" + spec + "': no data folder after gdsuite:");
            }
            return new Location(Path.of(rest), config);
        }

        public GdsuiteConfig readConfig() {
            if (config == null) {
                return GdsuiteConfig.published();
            }
            if (!Files.isRegularFile(config)) {
                throw new ProbeSuiteException(config + ": no such config file");
            }
            return GdsuiteConfig.read(config);
        }
    }

    /** Reads the tree of {@code spec}; warnings (skipped tasks) go to {@code warnings}. */
    public static ProbeSuite load(String spec, PrintStream warnings) {
        Location where = Location.parse(spec);
        GdsuiteTree tree = read(where);
        tree.warnings().forEach(w -> warnings.println("gdsuite: warning: " + w));
        return toSuite(spec, tree);
    }

    /** As {@link #load(String, PrintStream)}, warnings on stderr. */
    public static ProbeSuite load(String spec) {
        return load(spec, System.err);
    }

    public static GdsuiteTree read(Location where) {
        GdsuiteTree tree = GdsuiteTree.read(where.dataDir(), where.readConfig());
        if (where.config() != null) {
            try {
                tree.source().put("configSha256", SourceFile.sha256(Files.readAllBytes(where.config())));
            } catch (IOException e) {
                throw new ProbeSuiteException(where.config() + ": cannot read: " + e.getMessage(), e);
            }
        }
        return tree;
    }

    static ProbeSuite toSuite(String origin, GdsuiteTree tree) {
        Map<String, Integer> rowsPerFamily = new LinkedHashMap<>();
        tree.items().forEach(i -> rowsPerFamily.merge(i.family(), 1, Integer::sum));
        List<SuiteManifest.FileEntry> files = new ArrayList<>();
        rowsPerFamily.forEach((f, n) -> files.add(new SuiteManifest.FileEntry(f + ".jsonl", n, null)));
        SuiteManifest manifest = new SuiteManifest(ProbeSuite.FORMAT, SUITE_NAME, tree.version(), description(tree),
                GdsuiteTree.GENERATOR, 0, SuiteWriter.taskEntries(tree.items()), files, tree.source());
        return ProbeSuite.of(origin, manifest, tree.items());
    }

    /**
     * Writes the suite folder: one JSONL per choice family, {@value #GENERATIVE_FILE} with the persona
     * prompts, and a manifest whose {@code source} holds the configuration used and the checksums.
     */
    public static SuiteManifest importTo(GdsuiteTree tree, Path out) throws IOException {
        ObjectNode source = tree.source().deepCopy();
        if (!tree.personaPrompts().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (PersonaQa.Prompt p : tree.personaPrompts()) {
                sb.append(JSON.writeValueAsString(generativeRow(p))).append('\n');
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            Path file = out.resolve(GENERATIVE_FILE);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            source.put("generativeFile", GENERATIVE_FILE).put("generativeRows", tree.personaPrompts().size())
                    .put("generativeSha256", SourceFile.sha256(bytes));
        }
        SuiteSpec spec = new SuiteSpec(SUITE_NAME, tree.version(), description(tree), GdsuiteTree.GENERATOR, 0,
                JSON.createObjectNode(), out);
        SuiteManifest manifest = SuiteWriter.write(out, spec, tree.items(), source);
        ProbeSuite.loadFolder(out);
        return manifest;
    }

    /** A generative prompt row: what a sampling scorer needs to reproduce GDsuite's persona QA. */
    static ObjectNode generativeRow(PersonaQa.Prompt p) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", "multihop_persona_qa/" + p.persona() + "/" + p.question().id());
        row.put("family", "multihop_persona_qa").put("task", p.persona()).put("seed", p.seed());
        row.put("questionId", p.question().id());
        if (p.question().category() != null) {
            row.put("category", p.question().category());
        }
        row.put("prompt", p.text()).put("expectedAnswerRegex", p.question().expectedAnswerRegex());
        row.put("match", "case-insensitive search anywhere in the completion");
        return row;
    }

    private static String description(GdsuiteTree tree) {
        return "GDsuite data " + tree.root() + " under " + tree.config().origin();
    }
}
