package dev.modehop.probes;

import dev.modehop.probes.en.StarterEnGenerator;
import dev.modehop.probes.toy.ToySuiteGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds every suite under a specs folder ({@code probes/<suite>/suite.json}) into an output folder
 * ({@code <out>/<suite>/manifest.json + *.jsonl}, plus {@code <out>/index.txt}). The scorer's build runs
 * it into {@code target/classes/probes}, so built suites ship in the jar and load by name.
 *
 * <pre>java dev.modehop.probes.SuiteBuilder SPECS_DIR OUT_DIR</pre>
 */
public final class SuiteBuilder {
    /** Generators by the {@code generator} key of a spec. */
    private static final Map<String, SuiteGenerator> GENERATORS = Map.of(
            ToySuiteGenerator.KEY, new ToySuiteGenerator(),
            StarterEnGenerator.KEY, new StarterEnGenerator());

    private SuiteBuilder() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SuiteBuilder SPECS_DIR OUT_DIR");
            System.exit(2);
        }
        for (SuiteManifest m : buildAll(Path.of(args[0]), Path.of(args[1]))) {
            int rows = m.files().stream().mapToInt(SuiteManifest.FileEntry::rows).sum();
            System.out.println("built probe suite " + m.name() + " " + m.version() + ": " + m.tasks().size()
                    + " tasks, " + rows + " rows");
        }
    }

    public static List<SuiteManifest> buildAll(Path specs, Path out) throws IOException {
        List<Path> folders;
        try (Stream<Path> s = Files.list(specs)) {
            folders = s.filter(p -> Files.isRegularFile(p.resolve(SuiteSpec.FILE))).sorted().toList();
        }
        List<SuiteManifest> built = new ArrayList<>();
        for (Path folder : folders) {
            built.add(build(SuiteSpec.read(folder), out.resolve(folder.getFileName().toString())));
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve(ProbeSuite.INDEX),
                String.join("\n", built.stream().map(SuiteManifest::name).toList()) + "\n");
        return built;
    }

    public static SuiteManifest build(SuiteSpec spec, Path outFolder) throws IOException {
        return SuiteWriter.write(outFolder, spec, generate(spec));
    }

    public static List<? extends SuiteRow> generate(SuiteSpec spec) {
        SuiteGenerator generator = GENERATORS.get(spec.generator());
        if (generator == null) {
            throw new ProbeSuiteException(spec.folder().resolve(SuiteSpec.FILE) + ": unknown generator '"
                    + spec.generator() + "' (known: " + GENERATORS.keySet() + ")");
        }
        return generator.generate(spec);
    }
}
