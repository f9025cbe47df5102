package deeptensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Observations;
import deeptensor.tensor.Tensor;
import deeptensor.train.StopReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report is a value (arrays copied in and out, compared by content) and names its structure ranks by model. */
class CompletionReportTest {

    private static CompletionReport report(int[] modeRanks, double[][] spectra) {
        return new CompletionReport("m", 3, StopReason.MAX_STEPS, "", 0.5, 1, 2, 0.1, 0.2, modeRanks, new double[] {1.5, 2.5},
                spectra, new int[] {2}, "significant components", 10, 7, List.of());
    }

    @Test
    void equalContentMeansEqualReports() {
        int[] ranks = {2, 3};
        double[][] spectra = {{3, 1}, {2, 1}};
        CompletionReport a = report(ranks, spectra);
        CompletionReport b = report(new int[] {2, 3}, new double[][] {{3, 1}, {2, 1}});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        ranks[0] = 9;
        spectra[0][0] = 9;
        assertEquals(a, b, "changing the caller's arrays does not change the report");
        a.modeRanks()[1] = 9;
        a.modeSingularValues()[1][0] = 9;
        assertArrayEquals(new int[] {2, 3}, a.modeRanks(), "the accessors return copies");
        assertEquals(2.0, a.modeSingularValues()[1][0]);
        assertNotEquals(a, report(new int[] {2, 4}, new double[][] {{3, 1}, {2, 1}}));
    }

    @Test
    void theStructureRanksAreNamedByTheModelNotItsDescription() {
        try (Tensor dense = Tensor.gaussian(3, 1.0, 5, 4, 3); Observations all = Observations.fromDense(dense);
             CompletionResult cp = Completion.of(all).model(CP.shallow().rank(2)).maxSteps(20).seed(1).fit();
             CompletionResult tt = Completion.of(all).model(TensorTrain.shallow().ranks(1, 2, 2, 1)).maxSteps(20).seed(1).fit();
             CompletionResult tucker = Completion.of(all).model(Tucker.shallow().ranks(2, 2, 2)).maxSteps(20).seed(1).fit()) {
            assertEquals("significant components", cp.report().structureName());
            assertEquals("TT ranks", tt.report().structureName());
            assertEquals("", tucker.report().structureName());
            assertEquals(0, tucker.report().structureRanks().length);
            assertTrue(tucker.report().toJson().contains("\"structureName\":\"\""), tucker.report().toJson());
        }
    }
}
