package deeptensor.internal.model;

import deeptensor.model.FactorForm;
import deeptensor.tensor.Tensor;

/** A factor that is itself a free parameter block (depth 1): forward and backward do nothing. */
final class DirectFactor extends Factor {

    private final int block;
    private Tensor value;
    private Tensor gradient;

    DirectFactor(String name, int rows, int cols, Parameters.Builder builder) {
        super(name, rows, cols);
        this.block = builder.add(name, rows, cols);
    }

    @Override
    void bind(Parameters parameters) {
        value = parameters.value(block);
        gradient = parameters.gradient(block);
    }

    @Override
    public int depth() {
        return 1;
    }

    @Override
    public FactorForm form() {
        return FactorForm.direct();
    }

    @Override
    public void forward() {
        // The parameters are the factor.
    }

    @Override
    public Tensor matrix() {
        return value;
    }

    @Override
    public Tensor matrixGradient() {
        return gradient;
    }

    @Override
    public void backward() {
        // dℓ/dF was written straight into the parameter gradient.
    }

    @Override
    public int chains() {
        return cols();
    }

    @Override
    public int linkRows(int link) {
        return rows();
    }

    @Override
    public int linkCols(int link) {
        return 1;
    }

    @Override
    public double get(int chain, int link, int i, int j) {
        checkLink(chain, link);
        if (j != 0) {
            throw new IndexOutOfBoundsException("a column link has one column; column " + j + " was asked");
        }
        return value.get(i, chain);
    }

    @Override
    public void set(int chain, int link, int i, int j, double v) {
        checkLink(chain, link);
        if (j != 0) {
            throw new IndexOutOfBoundsException("a column link has one column; column " + j + " was asked");
        }
        value.set(v, i, chain);
    }

    @Override
    public int[] chainColumns(int chain) {
        return new int[] {chain, 1};
    }

    @Override
    public void close() {
        // Nothing of its own.
    }
}
