package deeptensor.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A named pipe without a writer, or a folder, is refused at once instead of blocking the reader. */
class NonRegularFileTest {

    @TempDir
    Path dir;

    private Path fifo(String name) throws Exception {
        Path fifo = dir.resolve(name);
        Process make;
        try {
            make = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException noMkfifo) {
            Assumptions.abort("skipped: no mkfifo on this system (" + noMkfifo.getMessage() + ")");
            return null;
        }
        Assumptions.assumeTrue(make.waitFor() == 0 && Files.exists(fifo), "skipped: mkfifo failed");
        return fifo;
    }

    @Test
    void aPipeWithNoWriterIsRefusedWithoutWaiting() throws Exception {
        for (String name : new String[] {"pipe.npy", "pipe.tns", "pipe.csv"}) {
            Path pipe = fifo(name);
            FormatException refused = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(FormatException.class, () -> TensorFiles.read(pipe)), name + " blocked the reader");
            assertTrue(refused.getMessage().contains(name) && refused.getMessage().contains("not a regular file"), refused.getMessage());
        }
        Path header = fifo("header.npy");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(FormatException.class, () -> Npy.readHeader(header)));
    }

    @Test
    void aFolderIsRefusedAsAFolder() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("data.npy"));
        FormatException refused = assertThrows(FormatException.class, () -> TensorFiles.read(folder));
        assertTrue(refused.getMessage().contains("a folder"), refused.getMessage());
    }
}
