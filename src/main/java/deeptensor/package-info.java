/**
 * deeptensor's entry point: {@link deeptensor.Completion} completes a tensor from its observed
 * entries — by default with the recipe that completed real tensors most accurately in our
 * measurements (a ridge-regularized Tucker model chosen by cross-validation), or with an explicit
 * CP, Tucker or tensor-train model, deep or shallow — and reports what it kept and the ranks it
 * found. {@link deeptensor.CompletionModel} is the fitted completion to save, load and serve. The
 * packages below are the parts: {@code deeptensor.model} (models and gradients),
 * {@code deeptensor.train} (optimizers, initialization, training loop, checkpoints),
 * {@code deeptensor.metrics}, {@code deeptensor.tensor}, {@code deeptensor.kernel},
 * {@code deeptensor.linalg} and {@code deeptensor.io}.
 */
package deeptensor;
