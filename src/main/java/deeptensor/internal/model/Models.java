package deeptensor.internal.model;

import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Shape;

/**
 * Turns the exported model specifications into trainable models. The specifications only describe
 * (structure, ranks, factor form); what a model is made of lives here, so that the public
 * description can stay small and a new factor form or model changes this package only.
 */
public final class Models {

    private Models() {
    }

    /** Builds the model {@code spec} describes for tensors of {@code shape}, parameters zero (an initializer sets them). */
    public static Model build(ModelSpec spec, Shape shape) {
        return switch (spec) {
            case CP cp -> CpModel.create(shape, cp.rankFor(shape), cp.factorForm());
            case Tucker tucker -> TuckerModel.create(shape, tucker.ranksFor(shape), tucker.factorForm());
            case TensorTrain train -> TensorTrainModel.create(shape, train.ranksFor(shape), train.factorForm());
        };
    }

    /** The CP model {@code spec} describes for {@code shape}. */
    public static CpModel build(CP spec, Shape shape) {
        return (CpModel) build((ModelSpec) spec, shape);
    }

    /** The Tucker model {@code spec} describes for {@code shape}. */
    public static TuckerModel build(Tucker spec, Shape shape) {
        return (TuckerModel) build((ModelSpec) spec, shape);
    }

    /** The tensor-train model {@code spec} describes for {@code shape}. */
    public static TensorTrainModel build(TensorTrain spec, Shape shape) {
        return (TensorTrainModel) build((ModelSpec) spec, shape);
    }

    /**
     * Declares the parameter blocks of a factor of shape {@code rows × cols} in {@code form} and
     * returns the (not yet bound) factor. {@code defaultWidth} is used when the form's width is 0.
     */
    static Factor declare(FactorForm form, String name, int rows, int cols, int defaultWidth, Parameters.Builder builder) {
        int h = form.width() > 0 ? form.width() : defaultWidth;
        if (form.depth() == 1) {
            return new DirectFactor(name, rows, cols, builder);
        }
        return form.perColumn() ? new ColumnChainFactor(name, rows, cols, form.depth(), h, builder)
                : new SharedChainFactor(name, rows, cols, form.depth(), h, builder);
    }
}
