package dev.modehop.probes.gdsuite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modehop.probes.ProbeSuite;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.SuiteManifest;
import dev.modehop.probes.SuiteRow;
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
        List<SuiteRow> rows = rows(tree);
        Map<String, Integer> rowsPerFamily = new LinkedHashMap<>();
        rows.forEach(i -> rowsPerFamily.merge(i.family(), 1, Integer::sum));
        List<SuiteManifest.FileEntry> files = new ArrayList<>();
        rowsPerFamily.forEach((f, n) -> files.add(new SuiteManifest.FileEntry(f + ".jsonl", n, null)));
        SuiteManifest manifest = new SuiteManifest(ProbeSuite.FORMAT, SUITE_NAME, tree.version(), description(tree),
                GdsuiteTree.GENERATOR, 0, SuiteWriter.taskEntries(rows), files, tree.source());
        return ProbeSuite.of(origin, manifest, rows);
    }

    /** The choice rows, then the persona QA's generative rows (one per (persona, seed, question)). */
    static List<SuiteRow> rows(GdsuiteTree tree) {
        List<SuiteRow> rows = new ArrayList<>(tree.items());
        rows.addAll(tree.generativeItems());
        return rows;
    }

    /**
     * Writes the suite folder: one JSONL per family (the persona QA's {@code multihop_persona_qa.jsonl} holds its
     * generative rows) and a manifest whose {@code source} holds the configuration used and the checksums.
     */
    public static SuiteManifest importTo(GdsuiteTree tree, Path out) throws IOException {
        SuiteSpec spec = new SuiteSpec(SUITE_NAME, tree.version(), description(tree), GdsuiteTree.GENERATOR, 0,
                JSON.createObjectNode(), out);
        SuiteManifest manifest = SuiteWriter.write(out, spec, rows(tree), tree.source());
        ProbeSuite.loadFolder(out);
        return manifest;
    }

    private static String description(GdsuiteTree tree) {
        return "GDsuite data " + tree.root() + " under " + tree.config().origin();
    }
}
