package deeptensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.io.TensorFiles;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals for real: {@code complete} runs in a child JVM on a tensor big enough to take a while; the
 * test sends SIGTERM (or SIGINT) once the fit has started and checks that the child wrote a valid
 * output holding the best state so far, said so, and exited with 128 + the signal number.
 */
class InterruptTest {

    private static final int[] DIMS = {40, 40, 40};

    @TempDir
    Path dir;

    @Test
    void sigtermStopsTheFitAndTheBestStateIsWritten() throws Exception {
        interruptAndCheck(Process::destroy, 143);
    }

    @Test
    void sigintStopsTheFitAndTheBestStateIsWritten() throws Exception {
        Assumptions.assumeFalse(sigintIgnored(), "skipped: SIGINT is ignored in this process tree (a background job), "
                + "so a child JVM would ignore it too");
        interruptAndCheck(child -> signal(child, "INT"), 130);
    }

    private void interruptAndCheck(java.util.function.Consumer<Process> send, int expectedExit) throws Exception {
        Path input = Cli.writeWithHoles(dir.resolve("big.npy"), 21, 0.7, DIMS);
        Path output = dir.resolve("completed.npy");
        Path stderr = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        command.addAll(List.of("-cp", classes(), Main.class.getName(), "complete", input.toString(), "-o", output.toString(),
                "--model", "tucker", "--depth", "2", "--max-time", "90s"));
        Process child = new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        try {
            // Wait until the child says it is completing (the input is read and the fit is starting), then a little more.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(stderr, StandardCharsets.UTF_8).contains("deeptensor: completing")) {
                assertTrue(child.isAlive(), "the child ended early: " + Files.readString(stderr));
                assertTrue(System.nanoTime() < deadline, "the child did not start the fit in 60 s");
                Thread.sleep(50);
            }
            Thread.sleep(500);
            assertTrue(child.isAlive(), "the fit ended before the signal; make the tensor bigger: " + Files.readString(stderr));
            send.accept(child);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not stop within 60 s of the signal");
        } finally {
            child.destroyForcibly();
        }
        String messages = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(expectedExit, child.exitValue(), messages);
        assertTrue(messages.contains("interrupted: wrote the best state so far to " + output), messages);
        String layout = Cli.npyLayout(output);
        assertTrue(layout.contains("dtype <f8"), layout);
        try (Tensor completed = TensorFiles.readTensor(output); Tensor original = TensorFiles.readTensor(input)) {
            assertEquals(Shape.of(DIMS), completed.shape());
            for (long i = 0; i < completed.size(); i++) {
                double value = completed.getFlat(i);
                assertTrue(Double.isFinite(value), "entry " + i + " is " + value);
                if (!Double.isNaN(original.getFlat(i))) {
                    assertEquals(original.getFlat(i), value, "observed entry " + i + " kept");
                }
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("big.npy", "completed.npy", "stderr.txt"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file left");
        }
    }

    /** The folder (or jar) of the library's classes: all the child needs, the library having no dependencies. */
    private static String classes() throws Exception {
        return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static void signal(Process child, String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(child.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + name);
        } catch (IOException | InterruptedException failed) {
            throw new AssertionError("could not send SIG" + name, failed);
        }
    }

    /** Whether SIGINT is ignored here (Linux: bit 2 of SigIgn in /proc/self/status); children inherit that. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        Assumptions.assumeTrue(Files.isReadable(status), "skipped: no /proc/self/status to check how SIGINT is handled");
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                return (mask & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }
}
