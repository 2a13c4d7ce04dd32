package dev.modehop.launcher;

import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.SuiteManifest;
import dev.modehop.probes.gdsuite.GdsuiteSuites;
import dev.modehop.probes.gdsuite.GdsuiteTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "probes", mixinStandardHelpOptions = true, description = "Probe suites: import other suites' data.",
        subcommands = ProbesCommand.Import.class)
final class ProbesCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Writes a modehop-probes/1 suite folder from a GDsuite data tree, with GDsuite's exact "
                    + "prompts (the same suite as --suite gdsuite:DATA_DIR[?config=FILE]).")
    static final class Import implements Callable<Integer> {
        @Option(names = "--gdsuite", required = true, paramLabel = "DATA_DIR", description = "the GDsuite data folder")
        Path dataDir;

        @Option(names = "--config", paramLabel = "FILE",
                description = "a GDsuite config.yaml (default: GDsuite's published configuration)")
        Path config;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "the suite folder to write")
        Path out;

        @Override
        public Integer call() {
            if (Files.exists(out) && !isEmptyFolder(out)) {
                throw new UserInputException(out + ": exists and is not an empty folder");
            }
            GdsuiteTree tree;
            SuiteManifest manifest;
            // Written beside the target and renamed into place, so a failed import leaves no half suite behind.
            Path partial = out.toAbsolutePath().resolveSibling(out.getFileName() + ".partial");
            try {
                tree = GdsuiteSuites.read(new GdsuiteSuites.Location(dataDir, config));
                tree.warnings().forEach(w -> System.err.println("modehop: warning: " + w));
                deleteTree(partial);
                manifest = GdsuiteSuites.importTo(tree, partial);
                Files.move(partial, out.toAbsolutePath(), StandardCopyOption.ATOMIC_MOVE);
            } catch (ProbeSuiteException e) {
                throw new UserInputException(e.getMessage());
            } catch (IOException e) {
                throw new UserInputException(out + ": cannot write: " + e.getMessage());
            } finally {
                deleteTree(partial);
            }
            List<SuiteManifest.TaskEntry> choice = manifest.tasks().stream().filter(t -> !t.generative()).toList();
            int rows = choice.stream().mapToInt(SuiteManifest.TaskEntry::rows).sum();
            System.out.printf("imported %d tasks (%d rows) and %d persona prompts (generative rows) from %s into %s"
                    + " (suite %s %s)%n", choice.size(), rows, tree.generativeItems().size(), dataDir, out,
                    manifest.name(), manifest.version());
            return 0;
        }

        private static void deleteTree(Path p) {
            if (!Files.exists(p)) {
                return;
            }
            try (var s = Files.walk(p)) {
                for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static boolean isEmptyFolder(Path p) {
            try (var s = Files.list(p)) {
                return s.findAny().isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
