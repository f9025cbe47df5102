package deeptensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layer table of docs/design.md, enforced on the sources: every package of the library may
 * refer only to the packages its row allows, there is no cycle, and nothing outside
 * {@code deeptensor.internal.kernel.simd} names a Vector API type. A reference is an import or a fully
 * qualified name in code; comments and string literals do not count (the kernel provider loads the
 * SIMD kernels by name on purpose, after checking the module is there).
 *
 * <p>A new package fails this test until it is given a row here and in docs/design.md.
 */
class LayerRulesTest {

    private static final Path SOURCES = Path.of("src/main/java");

    /** The algebra every model stands on: tensors, shared helpers, kernels, linear algebra and files. */
    private static final Set<String> BELOW_MODELS = Set.of("deeptensor.tensor", "deeptensor.train", "deeptensor.internal",
            "deeptensor.internal.kernel", "deeptensor.kernel", "deeptensor.internal.linalg", "deeptensor.io");

    /** Package → the library packages it may refer to (the "may import" column of docs/design.md), bottom layer first. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("deeptensor.tensor", Set.of()),
            Map.entry("deeptensor.train", Set.of()),
            Map.entry("deeptensor.internal", Set.of("deeptensor.tensor")),
            Map.entry("deeptensor.internal.kernel", Set.of("deeptensor.tensor")),
            Map.entry("deeptensor.internal.kernel.simd", Set.of("deeptensor.tensor", "deeptensor.internal.kernel")),
            Map.entry("deeptensor.kernel", Set.of("deeptensor.tensor", "deeptensor.internal.kernel")),
            Map.entry("deeptensor.internal.linalg", Set.of("deeptensor.tensor", "deeptensor.kernel")),
            Map.entry("deeptensor.io", Set.of("deeptensor.tensor", "deeptensor.internal")),
            Map.entry("deeptensor.model", Set.of("deeptensor.tensor", "deeptensor.internal", "deeptensor.internal.kernel", "deeptensor.kernel")),
            Map.entry("deeptensor.internal.model", union(BELOW_MODELS, "deeptensor.model")),
            Map.entry("deeptensor.internal.train", union(BELOW_MODELS, "deeptensor.model", "deeptensor.internal.model")),
            Map.entry("deeptensor.internal.metrics", union(BELOW_MODELS, "deeptensor.model", "deeptensor.internal.model")),
            Map.entry("deeptensor", union(BELOW_MODELS, "deeptensor.model", "deeptensor.internal.model", "deeptensor.internal.train",
                    "deeptensor.internal.metrics")),
            Map.entry("deeptensor.experiments", union(BELOW_MODELS, "deeptensor.model", "deeptensor.internal.model",
                    "deeptensor.internal.train", "deeptensor.internal.metrics", "deeptensor")),
            Map.entry("deeptensor.cli", union(BELOW_MODELS, "deeptensor.model", "deeptensor.internal.model", "deeptensor.internal.train",
                    "deeptensor.internal.metrics", "deeptensor", "deeptensor.experiments")));

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new TreeSet<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** Block and line comments, then string and char literals (text blocks included). */
    private static final Pattern NOISE = Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"\"\"[\\s\\S]*?\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'",
            Pattern.DOTALL);
    /** {@code deeptensor.a.b.Type} or {@code import deeptensor.Type}: the package is the lower-case part. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(deeptensor(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

    private static Map<String, Set<String>> references() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace(file.getFileSystem().getSeparator(), ".");
                if (pkg.isEmpty()) {
                    continue; // module-info.java
                }
                String code = NOISE.matcher(Files.readString(file)).replaceAll(" ");
                Set<String> refs = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        refs.add(m.group(1));
                    }
                }
                if (!pkg.equals("deeptensor.internal.kernel.simd") && code.contains("jdk.incubator.vector")) {
                    fail(file + " names the Vector API; only deeptensor.internal.kernel.simd may (it loads after the module check)");
                }
            }
        }
        return graph;
    }

    @Test
    void everyPackageRefersOnlyToTheLayersItsRowAllows() throws IOException {
        Map<String, Set<String>> graph = references();
        assertEquals(new TreeSet<>(ALLOWED.keySet()), new TreeSet<>(graph.keySet()),
                "the packages of the library and the rows of the layer table (here and in docs/design.md) differ");
        List<String> broken = new ArrayList<>();
        graph.forEach((pkg, refs) -> {
            for (String ref : refs) {
                if (!ALLOWED.get(pkg).contains(ref)) {
                    broken.add(pkg + " refers to " + ref);
                }
            }
        });
        assertTrue(broken.isEmpty(), "references the layer table does not allow: " + broken);
    }

    @Test
    void thePackageGraphHasNoCycle() throws IOException {
        Map<String, Set<String>> graph = references();
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            visit(start, graph, new ArrayList<>(), done);
        }
    }

    private static void visit(String pkg, Map<String, Set<String>> graph, List<String> path, Set<String> done) {
        if (path.contains(pkg)) {
            fail("a cycle of packages: " + String.join(" → ", path.subList(path.indexOf(pkg), path.size())) + " → " + pkg);
        }
        if (done.contains(pkg)) {
            return;
        }
        path.add(pkg);
        for (String next : graph.getOrDefault(pkg, Set.of())) {
            visit(next, graph, path, done);
        }
        path.remove(path.size() - 1);
        done.add(pkg);
    }

    /** The test sees what it should: a reference in code counts, one in a comment or a string does not. */
    @Test
    void referencesInCommentsAndStringsDoNotCount() {
        String code = """
                import deeptensor.tensor.Tensor;
                /** see {@link deeptensor.internal.train.Trainer} */
                class X { String s = "deeptensor.internal.kernel.simd.PanamaKernels"; deeptensor.internal.model.Model m; // deeptensor.io.Npy
                }
                """;
        Matcher m = REFERENCE.matcher(NOISE.matcher(code).replaceAll(" "));
        Set<String> found = new TreeSet<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        assertEquals(Set.of("deeptensor.tensor", "deeptensor.internal.model"), found);
    }
}
