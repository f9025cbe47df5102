/**
 * deeptensor: tensor completion by deep tensor factorization.
 *
 * <p>Exported packages are the public API; everything under {@code deeptensor.internal} is not
 * (models, training loop, linear algebra, metrics, kernels), nor are the command line
 * ({@code deeptensor.cli}) and the papers' experiments ({@code deeptensor.experiments}).
 * {@code deeptensor.internal.kernel.simd} holds the Vector API kernels; it is loaded only after the
 * kernel provider has checked that the incubator module is present, so the library runs (on the
 * scalar path) without it.
 */
module deeptensor {
    requires static jdk.incubator.vector;
    requires static java.management;
    requires static jdk.management;
    requires static java.desktop; // javax.imageio, for the command line's --preview PNGs
    requires java.logging; // the command line quiets the library's start-up line unless --verbose

    exports deeptensor;          // completion: Completion, CompletionResult, CompletionModel, the report
    exports deeptensor.tensor;   // off-heap tensors, shapes, coordinates, observed entries
    exports deeptensor.io;       // reading and writing .npy, .tns and .csv files
    exports deeptensor.model;    // model specifications (CP, Tucker, tensor train) and plain factorizations
    exports deeptensor.train;    // the training vocabulary a user names: optimizers, stop reasons
    exports deeptensor.kernel;   // TensorOps, the kernels facade
}
