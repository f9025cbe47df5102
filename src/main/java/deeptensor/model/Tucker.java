package deeptensor.model;

import deeptensor.tensor.Shape;
import java.util.Arrays;

/**
 * The Tucker model spec, for example {@code Tucker.deep(3)}: a full core (multilinear ranks equal to
 * the mode sizes, so no rank is constrained) and factor columns that are column chains of depth 3,
 * exactly as in the AISTATS 2024 deep Tucker code (Hariz et al., AISTATS 2024).
 */
public final class Tucker implements ModelSpec {

    private final FactorForm form;
    private final int[] ranks;

    private Tucker(FactorForm form, int[] ranks) {
        this.form = form;
        this.ranks = ranks;
    }

    /** Plain Tucker (depth 1), full core. */
    public static Tucker shallow() {
        return new Tucker(FactorForm.direct(), null);
    }

    /** Deep Tucker: full core, every factor column the output of its own chain of {@code depth} matrices. */
    public static Tucker deep(int depth) {
        return new Tucker(FactorForm.columnChains(depth), null);
    }

    /** The same spec with the given core shape (multilinear ranks); no argument restores the full core. */
    public Tucker ranks(int... ranks) {
        return new Tucker(form, ranks.length == 0 ? null : ranks.clone());
    }

    /** The same spec with another factor form. */
    public Tucker factorForm(FactorForm form) {
        return new Tucker(java.util.Objects.requireNonNull(form, "factor form"), ranks);
    }

    @Override
    public FactorForm factorForm() {
        return form;
    }

    /** The core shape this spec gives a tensor of {@code shape}. */
    public int[] ranksFor(Shape shape) {
        return ranks != null ? ranks.clone() : shape.dims();
    }

    @Override
    public String toString() {
        return "Tucker(" + (ranks != null ? "ranks " + Arrays.toString(ranks) : "full core") + ", " + form + ")";
    }
}
