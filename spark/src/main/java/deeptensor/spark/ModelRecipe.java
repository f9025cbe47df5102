package deeptensor.spark;

import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Shape;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A {@link ModelSpec} resolved for one shape, in a form Spark can ship to executors: the library's
 * specs are immutable values but not {@link Serializable}, so the executors rebuild the same spec
 * from its kind, factor form and ranks. {@code Models.build(spec(shape), shape)} gives a model of exactly
 * the parameters the driver's model has.
 */
record ModelRecipe(Kind kind, Form form, int depth, int width, int[] ranks) implements Serializable {

    enum Kind { CP, TUCKER, TENSOR_TRAIN }

    enum Form { DIRECT, SHARED_CHAIN, COLUMN_CHAINS }

    static ModelRecipe of(ModelSpec spec, Shape shape) {
        FactorForm factorForm = spec.factorForm();
        Form form = factorForm.equals(FactorForm.direct()) ? Form.DIRECT
                : factorForm.perColumn() ? Form.COLUMN_CHAINS : Form.SHARED_CHAIN;
        return switch (spec) {
            case CP cp -> new ModelRecipe(Kind.CP, form, factorForm.depth(), factorForm.width(), new int[] {cp.rankFor(shape)});
            case Tucker tucker -> new ModelRecipe(Kind.TUCKER, form, factorForm.depth(), factorForm.width(), tucker.ranksFor(shape));
            case TensorTrain tt -> new ModelRecipe(Kind.TENSOR_TRAIN, form, factorForm.depth(), factorForm.width(), tt.ranksFor(shape));
        };
    }

    FactorForm factorForm() {
        FactorForm base = switch (form) {
            case DIRECT -> FactorForm.direct();
            case SHARED_CHAIN -> FactorForm.sharedChain(depth);
            case COLUMN_CHAINS -> FactorForm.columnChains(depth);
        };
        return width > 0 ? base.withWidth(width) : base;
    }

    ModelSpec spec() {
        return switch (kind) {
            case CP -> CP.shallow().rank(ranks[0]).factorForm(factorForm());
            case TUCKER -> Tucker.shallow().ranks(ranks).factorForm(factorForm());
            case TENSOR_TRAIN -> TensorTrain.shallow().ranks(ranks).factorForm(factorForm());
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelRecipe that && kind == that.kind && form == that.form && depth == that.depth
                && width == that.width && Arrays.equals(ranks, that.ranks);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranks) * 31 + java.util.Objects.hash(kind, form, depth, width);
    }

    @Override
    public String toString() {
        return kind + " " + form + " depth " + depth + " ranks " + Arrays.toString(ranks);
    }
}
