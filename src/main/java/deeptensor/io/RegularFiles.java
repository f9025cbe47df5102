package deeptensor.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The readers read regular files only. A named pipe with no writer would block the first read
 * forever, and a device may never end: neither can be read within the promise that a reader never
 * hangs (docs/formats.md), so they are refused before they are opened.
 */
final class RegularFiles {

    private RegularFiles() {
    }

    /**
     * Refuses {@code file} if it exists (symbolic links followed) and is not a regular file; a file
     * that does not exist is left to the open, whose {@code NoSuchFileException} names it.
     */
    static void require(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            String kind = Files.isDirectory(file) ? "a folder" : "not a regular file (a named pipe, socket or device)";
            throw FormatException.ofFile(file, "is " + kind + "; only regular files are read");
        }
    }
}
