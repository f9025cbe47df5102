package deeptensor.model;

import deeptensor.internal.ModelShapes;
import deeptensor.tensor.Shape;
import java.util.Arrays;

/**
 * The tensor-train model spec, for example {@code TensorTrain.deep(2)}: maximal bond ranks
 * {@code r_k = min(d_1⋯d_k, d_{k+1}⋯d_N)} capped at {@link #maxRank(int)} (default
 * 64), and each core's {@code (r_{k-1}·d_k) × r_k} matricization a shared
 * chain of the given depth (Milanesi et al., IJCNN 2021, do not spell out their deep
 * tensor-train construction; a shared chain is the plainest reading). The chains' default width is {@code r_k}.
 */
public final class TensorTrain implements ModelSpec {

    /** The default cap on the bond ranks. */
    private static final int DEFAULT_MAX_RANK = 64;

    private final FactorForm form;
    private final int[] ranks;
    private final int maxRank;

    private TensorTrain(FactorForm form, int[] ranks, int maxRank) {
        this.form = form;
        this.ranks = ranks;
        this.maxRank = maxRank;
    }

    /** Plain tensor train (depth 1), maximal ranks. */
    public static TensorTrain shallow() {
        return new TensorTrain(FactorForm.direct(), null, DEFAULT_MAX_RANK);
    }

    /** Deep tensor train: each core's matricization a product of {@code depth} matrices. */
    public static TensorTrain deep(int depth) {
        return new TensorTrain(FactorForm.sharedChain(depth), null, DEFAULT_MAX_RANK);
    }

    /** The same spec with explicit bond ranks {@code r_0 … r_N} (first and last 1). */
    public TensorTrain ranks(int... ranks) {
        return new TensorTrain(form, ranks.clone(), maxRank);
    }

    /** The same spec with maximal ranks capped at {@code cap}. */
    public TensorTrain maxRank(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("the tensor-train rank cap must be at least 1, got " + cap);
        }
        return new TensorTrain(form, null, cap);
    }

    /** The same spec with another factor form. */
    public TensorTrain factorForm(FactorForm form) {
        return new TensorTrain(java.util.Objects.requireNonNull(form, "factor form"), ranks, maxRank);
    }

    @Override
    public FactorForm factorForm() {
        return form;
    }

    /** The bond ranks this spec gives a tensor of {@code shape}. */
    public int[] ranksFor(Shape shape) {
        if (ranks != null) {
            return ranks.clone();
        }
        ModelShapes.checkShape("tensor-train", shape);
        return ModelShapes.maximalTtRanks(shape, maxRank);
    }

    @Override
    public String toString() {
        return "TensorTrain(" + (ranks != null ? "ranks " + Arrays.toString(ranks) : "maximal ranks ≤ " + maxRank) + ", " + form + ")";
    }
}
