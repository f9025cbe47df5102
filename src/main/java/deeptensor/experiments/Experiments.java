package deeptensor.experiments;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The experiments of the papers the library implements, by id. Each is described, with its
 * protocol and the outcome measured, in {@code docs/experiments.md}.
 */
public final class Experiments {

    private static final List<Experiment> ALL = List.of(
            new ComponentNormLaw(),
            new BalanceConservation(),
            new EscapeTimeScaling(),
            new ShallowCpBaseline(),
            new DeepMatrixFactorization(),
            new DeepCpDepthSweep(),
            new LawTrajectoryOverlay(),
            new DeepTuckerSparsity(),
            new DeepTuckerTrainRanks(),
            new MetricChecks());

    private Experiments() {
    }

    /** Every experiment, in the order of their ids. */
    public static List<Experiment> all() {
        return ALL;
    }

    /** The experiment with this id ({@code e6} and {@code E6} alike), if there is one. */
    public static Optional<Experiment> byId(String id) {
        String wanted = id.toUpperCase(Locale.ROOT);
        return ALL.stream().filter(e -> e.id().equals(wanted)).findFirst();
    }
}
