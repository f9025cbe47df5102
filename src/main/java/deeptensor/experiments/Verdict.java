package deeptensor.experiments;

/**
 * The outcome of one claim checked by an experiment: what the paper (or its derivation) leads one
 * to expect, what was measured, and whether the measurement reproduces the expectation.
 *
 * @param experiment the experiment's id, {@code E1} … {@code E10}
 * @param claim      the claim in a few words
 * @param expected   what would count as reproducing it (the pass criterion, stated as a condition)
 * @param measured   the measured figures that decide it
 * @param reproduced whether the criterion holds
 * @param asserted   whether the claim must hold in every run, quick ones included (a law's error
 *                   bound, a metric's definition): the tests fail when such a claim is not reproduced.
 *                   Claims about what depth does on data are reported, not asserted, because whether
 *                   they hold is what the experiment finds out.
 */
public record Verdict(String experiment, String claim, String expected, String measured, boolean reproduced, boolean asserted) {

    /** The line printed for the verdict. */
    public String line() {
        return experiment + " " + (reproduced ? "REPRODUCED    " : "NOT REPRODUCED") + "  " + claim + ": expected " + expected
                + "; measured " + measured;
    }
}
