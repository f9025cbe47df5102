package deeptensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example in {@link Completion}'s Javadoc, taken from the source file as it stands, compiled
 * against the library and run: the documentation cannot drift from the API.
 */
class CompletionExampleTest {

    @TempDir
    Path directory;

    @Test
    void theJavadocExampleCompilesAndRuns() throws Exception {
        Path source = Path.of("src/main/java/deeptensor/Completion.java");
        Assumptions.assumeTrue(Files.exists(source), "run from the project root: " + source + " not found");
        String example = extractExample(Files.readString(source));
        String program = """
                import deeptensor.*;
                import deeptensor.model.*;
                import deeptensor.tensor.*;
                import java.util.*;

                public class Example {
                    public static void main(String[] args) {
                %s
                    }
                }
                """.formatted(example);
        Path file = directory.resolve("Example.java");
        Files.writeString(file, program);
        // javax.tools through reflection: the test sources are compiled as part of the module, which
        // does not (and should not) read java.compiler; at test time they run on the class path.
        Object compiler = Class.forName("javax.tools.ToolProvider").getMethod("getSystemJavaCompiler").invoke(null);
        Assumptions.assumeTrue(compiler != null, "no Java compiler in this runtime");
        Method run = Class.forName("javax.tools.Tool").getMethod("run", InputStream.class, OutputStream.class, OutputStream.class, String[].class);
        String classPath = Path.of(Completion.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = (int) run.invoke(compiler, null, diagnostics, diagnostics,
                new String[] {"-cp", classPath, "-d", directory.toString(), file.toString()});
        assertEquals(0, status, "the Javadoc example does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8) + "\n" + program);

        PrintStream original = System.out;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {directory.toUri().toURL()}, Completion.class.getClassLoader())) {
            System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass("Example").getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        String printed = output.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("Tucker 10×10×10") && printed.contains("ranks found per mode"), printed);
    }

    /** The code between {@code <pre>{@code} and its closing {@code }</pre>}, without the comment stars. */
    static String extractExample(String source) throws IOException {
        int start = source.indexOf("<pre>{@code");
        int end = source.indexOf("}</pre>", start);
        if (start < 0 || end < 0) {
            throw new IOException("no <pre>{@code ...}</pre> example in the Javadoc");
        }
        List<String> lines = source.substring(start + "<pre>{@code".length(), end).lines().toList();
        StringBuilder code = new StringBuilder();
        for (String line : lines) {
            String stripped = line.replaceFirst("^\\s*\\* ?", "");
            code.append("        ").append(stripped).append('\n');
        }
        return code.toString();
    }
}
