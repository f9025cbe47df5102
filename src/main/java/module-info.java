/**
 * deeptensor: tensor completion by deep tensor factorization.
 *
 * <p>Exported packages are the public API. {@code deeptensor.kernel.simd} holds the Vector API
 * kernels; it is not exported and is loaded only after the kernel provider has checked that the
 * incubator module is present, so the library runs (on the scalar path) without it.
 * {@code deeptensor.internal} holds helpers the packages share (atomic file writes); it is not
 * exported either.
 */
module deeptensor {
    requires static jdk.incubator.vector;
    requires static java.management;
    requires static jdk.management;
    requires static java.desktop; // javax.imageio, for the command line's --preview PNGs
    requires java.logging; // the command line quiets the library's start-up line unless --verbose

    exports deeptensor;
    exports deeptensor.tensor;
    exports deeptensor.kernel;
    exports deeptensor.linalg;
    exports deeptensor.io;
    exports deeptensor.metrics;
    exports deeptensor.model;
    exports deeptensor.train;
}
