package deeptensor.model;

import deeptensor.internal.ModelShapes;
import deeptensor.tensor.Shape;

/**
 * The CP model spec, for example {@code CP.deep(3)} (column chains of depth 3, the default rank) or
 * {@code CP.shallow().rank(10)}.
 *
 * <p>Default rank: Razin's {@code R = Π d / max d}, large enough for any tensor of the shape. Default
 * deep form: column chains (each CP vector the output of its own linear chain: the likeliest reading of
 * deep CP in Hariz et al., ICML 2022); {@link #factorForm(FactorForm)} chooses another.
 */
public final class CP implements ModelSpec {

    private final FactorForm form;
    private final int rank;

    private CP(FactorForm form, int rank) {
        this.form = form;
        this.rank = rank;
    }

    /** Plain CP (depth 1). */
    public static CP shallow() {
        return new CP(FactorForm.direct(), 0);
    }

    /** Deep CP: every component vector the output of its own chain of {@code depth} matrices. */
    public static CP deep(int depth) {
        return new CP(FactorForm.columnChains(depth), 0);
    }

    /** The same spec with {@code rank} components (0 for the default {@code Π d / max d}). */
    public CP rank(int rank) {
        if (rank < 0) {
            throw new IllegalArgumentException("CP rank must be positive (or 0 for the default), got " + rank);
        }
        return new CP(form, rank);
    }

    /** The same spec with another factor form. */
    public CP factorForm(FactorForm form) {
        return new CP(java.util.Objects.requireNonNull(form, "factor form"), rank);
    }

    @Override
    public FactorForm factorForm() {
        return form;
    }

    /** The rank this spec gives a tensor of {@code shape}. */
    public int rankFor(Shape shape) {
        ModelShapes.checkShape("CP", shape);
        return rank > 0 ? rank : ModelShapes.defaultCpRank(shape);
    }

    @Override
    public String toString() {
        return "CP(" + (rank > 0 ? "rank " + rank : "default rank") + ", " + form + ")";
    }
}
