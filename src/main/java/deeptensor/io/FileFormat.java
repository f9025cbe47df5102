package deeptensor.io;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats read and written here, recognized by file name extension (any case). */
public enum FileFormat {
    /** NumPy {@code .npy}: a dense array; NaN marks missing entries. */
    NPY(".npy"),
    /** FROSTT {@code .tns}: 1-based coordinates and a value per line. */
    TNS(".tns"),
    /** CSV coordinates: {@code i,j,k,value} per line, optional header. */
    CSV(".csv");

    private final String extension;

    FileFormat(String extension) {
        this.extension = extension;
    }

    /** The extension, with its dot, in lower case. */
    String extension() {
        return extension;
    }

    /**
     * The format a file's name says it has.
     *
     * @throws FormatException if the extension is none of {@code .npy}, {@code .tns}, {@code .csv}
     */
    public static FileFormat of(Path file) throws FormatException {
        Path name = file.getFileName();
        String text = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        for (FileFormat format : values()) {
            if (text.endsWith(format.extension)) {
                return format;
            }
        }
        throw FormatException.ofFile(file, "unknown file type: the name must end in .npy, .tns or .csv");
    }
}
