package deeptensor.internal.train;

import deeptensor.internal.model.Models;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.internal.model.Factor;
import deeptensor.model.FactorForm;
import deeptensor.model.Tucker;
import deeptensor.internal.model.TuckerModel;
import deeptensor.internal.model.Model;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The parts of the initializers not covered by InitializerTest: Tucker cores, and norm matching without a core. */
class InitSchemesTest {

    private static final Shape SHAPE = Shape.of(5, 4, 3);

    private static double norm(Tensor t) {
        double sum = 0;
        for (long i = 0; i < t.size(); i++) {
            sum += t.getFlat(i) * t.getFlat(i);
        }
        return Math.sqrt(sum);
    }

    /** Balanced initialization gives the Tucker core the norm {@code scale}, like every link. */
    @Test
    void balancedGivesTheTuckerCoreTheScaleAsItsNorm() {
        for (double scale : new double[] {0.3, 2.0}) {
            try (TuckerModel model = (TuckerModel) Models.build(Tucker.shallow().factorForm(FactorForm.sharedChain(2)), SHAPE)) {
                Initializer.balanced(scale).initialize(model, 4);
                assertEquals(scale, norm(model.core()), 1e-12 * scale);
                for (Factor factor : model.factors()) {
                    for (int c = 0; c < factor.chains(); c++) {
                        for (int l = 0; l < factor.depth(); l++) {
                            assertEquals(scale, factor.linkNorm(c, l), 1e-12 * scale);
                        }
                    }
                }
            }
        }
    }

    /**
     * End-to-end initialization draws the Tucker core i.i.d. with the given std: the same seed with
     * twice the std gives twice the core, and the core's RMS is near the std (27 draws: within a factor 2).
     */
    @Test
    void endToEndDrawsTheTuckerCoreWithTheGivenStd() {
        try (TuckerModel one = (TuckerModel) Models.build(Tucker.deep(2).ranks(3, 3, 3), SHAPE);
             TuckerModel two = (TuckerModel) Models.build(Tucker.deep(2).ranks(3, 3, 3), SHAPE)) {
            Initializer.endToEnd(0.1).initialize(one, 8);
            Initializer.endToEnd(0.2).initialize(two, 8);
            for (long i = 0; i < one.core().size(); i++) {
                assertEquals(2 * one.core().getFlat(i), two.core().getFlat(i), 1e-15);
            }
            double rms = norm(one.core()) / Math.sqrt(one.core().size());
            assertTrue(rms > 0.05 && rms < 0.2, "core RMS " + rms + " for std 0.1");
        }
    }

    /** Without a core (CP), norm matching gives every link of a chain the norm of that chain's first link. */
    @Test
    void normMatchedWithoutACoreMatchesEachChainToItsFirstLink() {
        for (FactorForm form : new FactorForm[] {FactorForm.columnChains(3), FactorForm.sharedChain(3)}) {
            try (Model model = Models.build(CP.shallow().rank(3).factorForm(form), SHAPE)) {
                Initializer.normMatched(0.2).initialize(model, 6);
                for (Factor factor : model.factors()) {
                    for (int c = 0; c < factor.chains(); c++) {
                        double first = factor.linkNorm(c, 0);
                        assertTrue(first > 0);
                        for (int l = 1; l < factor.depth(); l++) {
                            assertEquals(first, factor.linkNorm(c, l), 1e-12 * first, form + " chain " + c + " link " + l);
                        }
                    }
                }
            }
        }
    }
}
