/**
 * The Vector API implementation of {@link deeptensor.internal.kernel.Kernels}
 * ({@link deeptensor.internal.kernel.simd.PanamaKernels}). Not exported: the kernel provider loads it
 * reflectively, and only after checking that {@code jdk.incubator.vector} is present, so that no
 * class touching Vector API types loads in a JVM without the module.
 *
 * <p>Structure: {@code Gemm}/{@code BlockedGemm} (blocked, packed, register-tiled matrix multiply),
 * {@code ModeProducts} (mode-n products as in-place GEMMs), {@code CpKernels} (Khatri-Rao, CP
 * reconstruction, MTTKRP), {@code SampledKernels} (evaluations and scatters at coordinates),
 * {@code Permutations} (unfold, fold, gather, scatter), {@code VectorOps}/{@code LaneLoops}
 * (element-wise loops), {@code Parallel} (threads), {@code Workspace} (per-thread scratch) and
 * {@code Specialized} (one copy of the vector code per species, so the species is a JIT constant).
 */
package deeptensor.internal.kernel.simd;
