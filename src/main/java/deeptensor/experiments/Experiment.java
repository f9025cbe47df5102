package deeptensor.experiments;

import java.io.IOException;

/**
 * One reproducible experiment from the papers the library implements: it runs a protocol, writes
 * its raw series as CSV and its figures as SVG through the {@link ExperimentContext}, and states a
 * verdict for each claim it checks.
 *
 * <p>An experiment never decides its own size: {@link ExperimentContext#quick()} says whether to
 * run the full protocol or the reduced one the tests run, and {@link ExperimentContext#seeds(int)}
 * how many seeds to average over.
 */
public interface Experiment {

    /** The short name on the command line: {@code E1} … {@code E10}. */
    String id();

    /** One line: what is measured, and from which paper the claim comes. */
    String title();

    /** Runs the protocol; every output and verdict goes through {@code context}. */
    void run(ExperimentContext context) throws IOException;
}
