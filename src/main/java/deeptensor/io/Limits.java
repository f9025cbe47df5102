package deeptensor.io;

/** Bounds every reader applies, so that hostile input costs bounded time and memory. */
final class Limits {

    /** Most modes a tensor in a file may have: NumPy 1.x's own limit (NPY_MAXDIMS). */
    static final int MAX_ORDER = 32;

    /** Longest {@code .npy} header accepted; NumPy's own headers for these dtypes stay under 1 KiB. */
    static final int MAX_NPY_HEADER_BYTES = 1 << 20;

    /** Longest line of a text format accepted; a line of 33 fields needs well under 1 KiB. */
    static final int MAX_LINE_BYTES = 1 << 16;

    private Limits() {
    }
}
