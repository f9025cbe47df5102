package deeptensor.io;

import deeptensor.tensor.Shape;

/**
 * What the header of a {@code .npy} file declares, after every check that needs no data: the
 * format version, the element type, the memory order, the shape and where the data starts. Reading
 * a header is cheap (a few hundred bytes), so it suits commands that only describe a file.
 *
 * @param majorVersion format major version: 1, 2 or 3 (the minor version is always 0)
 * @param dtype element type
 * @param fortranOrder whether the data is stored in column-major (Fortran) order; readers convert
 *     it to the row-major order of {@link deeptensor.tensor.Tensor}
 * @param shape the array's shape (order 0 for a scalar)
 * @param dataOffset byte offset of the first element in the file
 */
record NpyHeader(int majorVersion, NpyDtype dtype, boolean fortranOrder, Shape shape, long dataOffset) {

    /** The byte length of the data the shape and type declare (checked to fit a {@code long}). */
    public long dataBytes() {
        return shape.size() * dtype.itemSize(); // Shape caps size at Long.MAX_VALUE / 8
    }

    /** The version as NumPy prints it, for example {@code 1.0}. */
    public String version() {
        return majorVersion + ".0";
    }
}
