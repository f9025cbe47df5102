package deeptensor.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a
 * part: the data goes to a new temporary file in the target's directory (same file system, so the
 * final rename is atomic), is forced to the device, and only then renamed over the target. On any
 * failure the temporary file is deleted and the target is left as it was.
 *
 * <p>Shared by every writer of the library (tensor files, checkpoints, model files); public only so
 * that the packages can share it: {@code deeptensor.internal} is not exported.
 */
public final class AtomicFiles {

    /** Writes the whole content to a channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} with what {@code content} writes, atomically. */
    public static void replace(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || absolute.getFileName() == null) {
            throw new IOException(target + ": not a file path");
        }
        String name = absolute.getFileName().toString();
        if (name.length() > 200) {
            name = name.substring(0, 200); // keep the temporary name under the usual 255-byte limit
        }
        Path temporary = null;
        FileChannel channel = null;
        for (int attempt = 0; channel == null; attempt++) {
            // CREATE_NEW never follows or reuses an existing name, so a planted link cannot redirect the write.
            temporary = directory.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException taken) {
                if (attempt >= 20) {
                    throw taken;
                }
            }
        }
        boolean renamed = false;
        try {
            try (FileChannel open = channel) {
                content.writeTo(open);
                open.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
            renamed = true;
            syncDirectory(directory);
        } finally {
            if (!renamed) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException cleanup) {
                    // The write already failed; that failure is the one to report.
                }
            }
        }
    }

    /** Writes every remaining byte of {@code buffer}. */
    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Makes the rename itself durable where the platform allows syncing a directory. */
    private static void syncDirectory(Path directory) {
        try (FileChannel handle = FileChannel.open(directory, StandardOpenOption.READ)) {
            handle.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // Some platforms cannot open a directory as a channel; the rename is still atomic there.
        }
    }
}
