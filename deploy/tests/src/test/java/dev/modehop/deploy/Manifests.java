package dev.modehop.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Rendered Kubernetes objects (or any YAML) as plain maps, with small typed accessors for assertions. */
final class Manifests {

    private Manifests() {
    }

    /** The repository root, handed in by surefire; falls back to ../.. of the working directory. */
    static Path repoRoot() {
        String prop = System.getProperty("modehop.repo.root");
        Path root = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().resolve("../..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("helm/modehop")) || !Files.isDirectory(root.resolve("deploy"))) {
            throw new IllegalStateException("cannot find helm/modehop and deploy/ under " + root);
        }
        return root;
    }

    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    /** All non-empty documents of a multi-document YAML stream. */
    static List<Map<String, Object>> parseAll(String text) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(text)) {
            if (doc != null) {
                docs.add(map(doc, "document"));
            }
        }
        return docs;
    }

    static Map<String, Object> parse(String text) {
        return map(yaml().load(text), "document");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new AssertionError(what + " is not a map: " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        if (!(o instanceof List)) {
            throw new AssertionError(what + " is not a list: " + o);
        }
        return (List<Object>) o;
    }

    /** Follows a dotted path of map keys; list indexes as numbers ("spec.containers.0.image"). */
    static Object at(Object root, String path) {
        Object cur = root;
        for (String part : path.split("\\.")) {
            if (cur instanceof Map<?, ?> m) {
                cur = m.get(part);
            } else if (cur instanceof List<?> l && part.matches("\\d+")) {
                int i = Integer.parseInt(part);
                cur = i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
            if (cur == null) {
                return null;
            }
        }
        return cur;
    }

    static String str(Object root, String path) {
        Object v = at(root, path);
        return v == null ? null : v.toString();
    }

    static String kind(Map<String, Object> doc) {
        return str(doc, "kind");
    }

    static String name(Map<String, Object> doc) {
        return str(doc, "metadata.name");
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(kind(d))).toList();
    }

    static Map<String, Object> one(List<Map<String, Object>> docs, String kind, String name) {
        List<Map<String, Object>> found = docs.stream()
                .filter(d -> kind.equals(kind(d)) && name.equals(name(d))).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " " + name + ", found " + found.size() + " among "
                    + docs.stream().map(d -> kind(d) + "/" + name(d)).collect(Collectors.joining(", ")));
        }
        return found.get(0);
    }

    /** Containers of a workload's pod template (Deployment, StatefulSet, Job). */
    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return list(at(workload, "spec.template.spec.containers"), name(workload) + " containers").stream()
                .map(c -> map(c, "container")).toList();
    }

    static Map<String, Object> container(Map<String, Object> workload) {
        List<Map<String, Object>> cs = containers(workload);
        if (cs.size() != 1) {
            throw new AssertionError(name(workload) + " has " + cs.size() + " containers");
        }
        return cs.get(0);
    }

    /** Literal env values of a container (valueFrom entries map to null). */
    static Map<String, String> env(Map<String, Object> container) {
        Object env = container.get("env");
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (env == null) {
            return out;
        }
        for (Object e : list(env, "env")) {
            Map<String, Object> m = map(e, "env entry");
            out.put(Objects.toString(m.get("name")), m.get("value") == null ? null : m.get("value").toString());
        }
        return out;
    }

    static List<String> envNames(Map<String, Object> container) {
        return new ArrayList<>(env(container).keySet());
    }
}
