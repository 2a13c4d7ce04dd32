package dev.modehop.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** Renders and lints helm/modehop through helm-java (the helm library bundled as a native library). */
final class ChartRendering {

    static final String RELEASE = "modehop";
    static final String NAMESPACE = "ml";
    /** The bundled helm library would otherwise assume an old cluster, below the chart's kubeVersion. */
    static final String KUBE_VERSION = "1.31.0";
    private static final String HOOK_KEY = "helm.sh/hook";
    private static final String RENAMED_HOOK_KEY = "rendered-as-object.modehop.dev/hook";

    private static final Map<List<Path>, List<Map<String, Object>>> CACHE = new ConcurrentHashMap<>();

    private ChartRendering() {
    }

    static Path chart() {
        return Manifests.repoRoot().resolve("helm/modehop");
    }

    static Path gpuValues() {
        return chart().resolve("values-gpu-production.yaml");
    }

    /**
     * `helm template modehop helm/modehop -n ml -f file...`, parsed, hooks included; cached per list of
     * values files. helm-java returns only the release manifest (Helm keeps hooks apart from it), so the
     * hooks are rendered from a copy of the chart whose hook annotation key is renamed, which makes Helm
     * treat them as plain objects; the key is restored in the parsed result.
     */
    static List<Map<String, Object>> render(Path... valuesFiles) {
        return CACHE.computeIfAbsent(List.of(valuesFiles), files -> {
            List<Map<String, Object>> docs = new ArrayList<>(manifest(chart(), files));
            for (Map<String, Object> doc : manifest(hooksAsPlainObjects(), files)) {
                Map<String, Object> annotations = annotationsOf(doc);
                if (annotations.keySet().stream().anyMatch(k -> k.startsWith(RENAMED_HOOK_KEY))) {
                    Map<String, Object> restored = new LinkedHashMap<>();
                    annotations.forEach((k, v) -> restored.put(k.replace(RENAMED_HOOK_KEY, HOOK_KEY), v));
                    annotations.clear();
                    annotations.putAll(restored);
                    docs.add(doc);
                }
            }
            return docs;
        });
    }

    /** Only the release manifest, as helm-java renders it: what is applied as the release's objects. */
    static List<Map<String, Object>> manifestOnly(Path... valuesFiles) {
        return manifest(chart(), List.of(valuesFiles));
    }

    private static List<Map<String, Object>> manifest(Path chartDir, List<Path> files) {
        TemplateCommand cmd = new Helm(chartDir).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path f : files) {
            cmd = cmd.withValuesFile(f);
        }
        return Manifests.parseAll(cmd.call());
    }

    private static Path hooksCopy;

    /** Made once per test JVM, so edits to the chart between runs are always picked up. */
    private static synchronized Path hooksAsPlainObjects() {
        try {
            if (hooksCopy == null) {
                Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
                Path copy = Files.createTempDirectory(target, "chart-hooks-as-objects-").resolve("modehop");
                copyTree(chart(), copy);
                try (Stream<Path> templates = Files.walk(copy.resolve("templates"))) {
                    for (Path t : templates.filter(Files::isRegularFile).toList()) {
                        Files.writeString(t, Files.readString(t).replace(HOOK_KEY, RENAMED_HOOK_KEY));
                    }
                }
                hooksCopy = copy;
            }
            return hooksCopy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> annotationsOf(Map<String, Object> doc) {
        Object metadata = doc.get("metadata");
        if (metadata instanceof Map<?, ?> m && m.get("annotations") instanceof Map<?, ?> a) {
            return (Map<String, Object>) a;
        }
        return new LinkedHashMap<>();
    }

    /** Renders with extra values given as YAML text (written to a temporary values file). */
    static List<Map<String, Object>> renderWith(Path tmp, String extraValuesYaml, Path... valuesFiles) {
        try {
            Path extra = Files.createTempFile(tmp, "values-", ".yaml");
            Files.writeString(extra, extraValuesYaml);
            Path[] all = Stream.concat(Stream.of(valuesFiles), Stream.of(extra)).toArray(Path[]::new);
            return render(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LintResult lint(Path chartDir) {
        return new Helm(chartDir).lint().strict().call();
    }

    /** A throw-away copy of the chart under {@code tmp}, for tests that break or change it. */
    static Path copyOfChart(Path tmp, String label) {
        try {
            Path copy = tmp.resolve(label).resolve("modehop");
            copyTree(chart(), copy);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** `helm lint --strict` on the chart as shipped. */
    static LintResult lintDefault() {
        return new Helm(chart()).lint().strict().call();
    }

    /**
     * helm-java's lint takes no values file, so an overlay is linted on a copy of the chart whose
     * values.yaml is the default values deep-merged with the overlay (what helm itself does with -f).
     */
    static LintResult lintWith(Path tmp, Path overlay) {
        try {
            Path copy = tmp.resolve("chart-" + overlay.getFileName()).resolve("modehop");
            copyTree(chart(), copy);
            Map<String, Object> merged = deepMerge(
                    Manifests.parse(Files.readString(chart().resolve("values.yaml"))),
                    Manifests.parse(Files.readString(overlay)));
            Files.writeString(copy.resolve("values.yaml"), Manifests.yaml().dump(merged));
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> overlay) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        overlay.forEach((k, v) -> {
            Object b = out.get(k);
            if (b instanceof Map && v instanceof Map) {
                out.put(k, deepMerge((Map<String, Object>) b, (Map<String, Object>) v));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
