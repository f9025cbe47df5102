package deeptensor.cli;

import deeptensor.internal.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The files a command writes besides the tensor (reports, previews): checked before a long fit so
 * that a typo fails at once, and written atomically — a temporary file in the same folder, forced
 * to disk, then renamed over the target — so that a reader never sees part of one. (The tensor
 * itself is written by {@link deeptensor.io.TensorFiles#write}, which does the same.)
 */
final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * Checks that {@code file} can be written: its name ends in {@code extension}, its folder
     * exists, and a file can be created there (tried with a temporary file, removed at once).
     */
    static void requireWritable(String option, Path file, String extension) throws Main.UsageException, IOException {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(extension) || name.length() == extension.length()) {
            throw new Main.UsageException(option + ": '" + file + "' should be a file name ending in " + extension);
        }
        if (Files.isDirectory(file)) {
            throw new Main.UsageException(option + ": '" + file + "' is a folder");
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new Main.UsageException(option + ": cannot write '" + file + "': " + folder + " is not a folder");
        }
        Path probe;
        try {
            probe = Files.createTempFile(folder, ".deeptensor-", ".probe");
        } catch (IOException refused) {
            throw new Main.UsageException(option + ": cannot write in the folder " + folder + " (" + Main.describe(refused) + ")");
        }
        Files.deleteIfExists(probe);
    }

    /** Replaces {@code target} with {@code content}, atomically. */
    static void write(Path target, byte[] content) throws IOException {
        AtomicFiles.replace(target, channel -> AtomicFiles.writeFully(channel, ByteBuffer.wrap(content)));
    }
}
