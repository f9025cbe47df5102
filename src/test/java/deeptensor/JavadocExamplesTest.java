package deeptensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example in the Javadoc of the exported packages ({@code <pre>{@code ...}</pre>} blocks in
 * their sources and package-info files), taken from the sources as they stand, compiled against
 * the library and run: the documentation cannot drift from the API. Each example is the body of a
 * {@code main} that may throw, with the exported packages, {@code java.util} and {@code java.nio.file}
 * imported.
 */
class JavadocExamplesTest {

    private static final Path SOURCES = Path.of("src/main/java");

    @TempDir
    Path directory;

    @Test
    void everyExampleOfTheExportedPackagesCompilesAndRuns() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(SOURCES), "run from the project root: " + SOURCES + " not found");
        List<Path> files = new ArrayList<>();
        for (String pkg : exportedPackages()) {
            try (Stream<Path> list = Files.list(SOURCES.resolve(pkg.replace('.', '/')))) {
                list.filter(f -> f.toString().endsWith(".java")).sorted().forEach(files::add);
            }
        }
        int examples = 0;
        for (Path file : files) {
            List<String> found = examples(Files.readString(file));
            for (int i = 0; i < found.size(); i++) {
                run(file.getFileName().toString().replace(".java", "").replace('-', '_') + "_" + i, found.get(i), file);
                examples++;
            }
        }
        // Completion, CompletionModel, SparseOptions, and the model and kernel package pages at least.
        assertTrue(examples >= 5, "only " + examples + " examples found in " + files.size() + " files");
    }

    /** The example of Completion prints what its comments say it prints. */
    @Test
    void theCompletionExamplePrintsTheReport() throws Exception {
        Path source = SOURCES.resolve("deeptensor/Completion.java");
        Assumptions.assumeTrue(Files.exists(source), "run from the project root: " + source + " not found");
        String printed = run("CompletionExample", examples(Files.readString(source)).get(0), source);
        assertTrue(printed.contains("Tucker 10×10×10") && printed.contains("ranks found per mode"), printed);
    }

    /**
     * The library example of the README, run as written: its files go to a temporary folder, a
     * small {@code ratings.tns} (42 × 8 × 3, a third observed) is written first, and the
     * {@code coordinates} and {@code values} it names for a batch are given.
     */
    @Test
    void theReadmeLibraryExampleCompilesAndRuns() throws Exception {
        Path readme = Path.of("README.md");
        Assumptions.assumeTrue(Files.exists(readme), "run from the project root: README.md not found");
        String text = Files.readString(readme);
        int library = text.indexOf("## Library");
        int start = text.indexOf("```java\n", library) + "```java\n".length();
        int end = text.indexOf("```", start);
        assertTrue(library >= 0 && start > library && end > start, "no java block under ## Library in README.md");
        String example = text.substring(start, end).replace("Path.of(\"", "Path.of(DIR, \"");
        String folder = directory.toString().replace("\\", "\\\\");
        String preamble = """
                String DIR = "FOLDER";
                StringBuilder lines = new StringBuilder();
                for (int e = 0; e < 42 * 8 * 3; e += 2) {
                    lines.append(e / 24 + 1).append(' ').append(e / 3 % 8 + 1).append(' ').append(e % 3 + 1)
                         .append(' ').append((e / 24 % 5) + 0.5 * (e / 3 % 8) + e % 3).append('\\n');
                }
                Files.writeString(Path.of(DIR, "ratings.tns"), lines.toString() + "42 8 3 1.0\\n");
                Coordinates coordinates = Coordinates.of(Shape.of(42, 8, 3), new int[] {0, 0, 0, 41, 7, 2});
                Tensor values = Tensor.zeros(2);
                """.replace("FOLDER", folder);
        run("Readme", preamble + example, readme);
        assertTrue(Files.size(directory.resolve("ratings.dtm")) > 0, "the README example saved no model");
    }

    private static List<String> exportedPackages() throws IOException {
        return Files.readAllLines(SOURCES.resolve("module-info.java")).stream().map(String::trim)
                .filter(l -> l.startsWith("exports ")).map(l -> l.substring(8, l.indexOf(';')).trim()).toList();
    }

    /** Compiles {@code body} as the body of a {@code main} and runs it; returns what it printed. */
    private String run(String name, String body, Path from) throws Exception {
        String className = "Example_" + name;
        String program = """
                import deeptensor.*;
                import deeptensor.io.*;
                import deeptensor.kernel.*;
                import deeptensor.model.*;
                import deeptensor.tensor.*;
                import deeptensor.train.*;
                import java.nio.file.*;
                import java.util.*;

                public class CLASS {
                    public static void main(String[] args) throws Exception {
                BODY
                    }
                }
                """.replace("CLASS", className).replace("BODY", body);
        Path file = directory.resolve(className + ".java");
        Files.writeString(file, program);
        // javax.tools through reflection: the test sources are compiled as part of the module, which
        // does not (and should not) read java.compiler; at test time they run on the class path.
        Object compiler = Class.forName("javax.tools.ToolProvider").getMethod("getSystemJavaCompiler").invoke(null);
        Assumptions.assumeTrue(compiler != null, "no Java compiler in this runtime");
        Method tool = Class.forName("javax.tools.Tool").getMethod("run", InputStream.class, OutputStream.class, OutputStream.class,
                String[].class);
        String classPath = Path.of(Completion.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = (int) tool.invoke(compiler, null, diagnostics, diagnostics,
                new String[] {"-cp", classPath, "-d", directory.toString(), file.toString()});
        assertEquals(0, status, "the Javadoc example of " + from + " does not compile:\n"
                + diagnostics.toString(StandardCharsets.UTF_8) + "\n" + program);

        PrintStream original = System.out;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {directory.toUri().toURL()}, Completion.class.getClassLoader())) {
            System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass(className).getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        return output.toString(StandardCharsets.UTF_8);
    }

    /** The code of every {@code <pre>{@code ...}</pre>} block, without the comment stars. */
    static List<String> examples(String source) {
        List<String> found = new ArrayList<>();
        for (int start = source.indexOf("<pre>{@code"); start >= 0; start = source.indexOf("<pre>{@code", start + 1)) {
            int end = source.indexOf("}</pre>", start);
            assertFalse(end < 0, "an example without its closing }</pre>");
            StringBuilder code = new StringBuilder();
            for (String line : source.substring(start + "<pre>{@code".length(), end).lines().toList()) {
                code.append("        ").append(line.replaceFirst("^\\s*\\* ?", "")).append('\n');
            }
            found.add(code.toString());
        }
        return found;
    }
}
