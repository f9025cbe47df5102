package deeptensor.internal.train;

import deeptensor.internal.model.Model;

/**
 * Sets every parameter of a model from a seed (same seed, same model → bit-identical values).
 *
 * <ul>
 *   <li>{@link Gaussian}: every parameter i.i.d. {@code N(0, σ²)} (Razin's CP initialization).</li>
 *   <li>{@link NormMatched}: the AISTATS 2024 deep Tucker scheme. Everything is drawn
 *       {@code N(0, σ_eff²)} with {@code σ_eff = σ·L·ln(L+1)} (L = depth); then every link of a chain
 *       is rescaled to the Frobenius norm of its core slice (column chains or columns of a Tucker
 *       factor), of the whole core (a shared chain of a Tucker factor) or, for models without a core,
 *       of the chain's first link as drawn. All factors on a path start with equal norms.</li>
 *   <li>{@link Balanced}: exactly balanced chains for the theory checks (Arora et al., NeurIPS 2019; Hariz et al., ICML 2022):
 *       {@code A_{l+1}ᵀA_{l+1} = A_l A_lᵀ} for every pair of consecutive links, each link of Frobenius
 *       norm {@code s} (column chains: {@code a = s·u_1}, {@code A_l = s·u_l u_{l−1}ᵀ} with random unit
 *       vectors; shared chains: {@code M_l = s·U_l U_{l−1}ᵀ} with random orthonormal columns, rank
 *       the smallest link dimension). A Tucker core is drawn Gaussian and scaled to norm {@code s}.</li>
 *   <li>{@link EndToEnd}: the default. The end-to-end factors have the column norms of a depth-1
 *       {@code N(0, σ²)} draw at every depth: the links are drawn, then every link of a chain is
 *       scaled by the same factor so that the chain's output has the reference norm. With the same
 *       seed, every depth starts from end-to-end factors of identical column norms, so depths compare
 *       fairly. A Tucker core is {@code N(0, σ²)}.</li>
 * </ul>
 */
public sealed interface Initializer permits Initializer.Gaussian, Initializer.NormMatched, Initializer.Balanced, Initializer.EndToEnd {

    /** Sets every parameter of {@code model}. */
    void initialize(Model model, long seed);

    /** i.i.d. {@code N(0, std²)}. */
    static Initializer gaussian(double std) {
        return new Gaussian(std);
    }

    /** The AISTATS 2024 scheme with base std {@code std}. */
    static Initializer normMatched(double std) {
        return new NormMatched(std);
    }

    /** Exactly balanced chains, every link of norm {@code scale}. */
    static Initializer balanced(double scale) {
        return new Balanced(scale);
    }

    /** End-to-end factors scaled like a depth-1 {@code N(0, std²)} draw, at every depth. */
    static Initializer endToEnd(double std) {
        return new EndToEnd(std);
    }

    /**
     * The {@link EndToEnd} initializer whose model tensor starts with entries of root-mean-square about
     * {@code rms}. With i.i.d. end-to-end entries of std σ the entries of the model have RMS
     * {@code √R·σ^N} (CP, R components), {@code σ^{N+1}·Π√R_n} (Tucker, core of shape R_1×…×R_N) and
     * {@code σ^N·Π√r_k} (tensor train, inner ranks r_k); this solves for σ.
     */
    static Initializer endToEndWithRms(deeptensor.internal.model.Model model, double rms) {
        InitSchemes.checkScale("rms", rms);
        int order = model.shape().order();
        double logGain = 0;
        int factors;
        switch (model) {
            case deeptensor.internal.model.CpModel cp -> {
                logGain = 0.5 * Math.log(cp.rank());
                factors = order;
            }
            case deeptensor.internal.model.TuckerModel tucker -> {
                for (int n = 0; n < order; n++) {
                    logGain += 0.5 * Math.log(tucker.coreShape().dim(n));
                }
                factors = order + 1;
            }
            case deeptensor.internal.model.TensorTrainModel tt -> {
                int[] ranks = tt.ranks();
                for (int k = 1; k < order; k++) {
                    logGain += 0.5 * Math.log(ranks[k]);
                }
                factors = order;
            }
            default -> throw new IllegalArgumentException("no initialization scale rule for " + model.describe());
        }
        return new EndToEnd(Math.exp((Math.log(rms) - logGain) / factors));
    }

    /**
     * i.i.d. Gaussian.
     *
     * @param std standard deviation, positive
     */
    record Gaussian(double std) implements Initializer {
        /** Checks the scale. */
        public Gaussian {
            InitSchemes.checkScale("std", std);
        }

        @Override
        public void initialize(Model model, long seed) {
            InitSchemes.gaussian(model, std, seed);
        }
    }

    /**
     * The AISTATS norm-matched scheme.
     *
     * @param std base standard deviation, multiplied by {@code L·ln(L+1)}
     */
    record NormMatched(double std) implements Initializer {
        /** Checks the scale. */
        public NormMatched {
            InitSchemes.checkScale("std", std);
        }

        @Override
        public void initialize(Model model, long seed) {
            InitSchemes.normMatched(model, std, seed);
        }
    }

    /**
     * Exactly balanced chains.
     *
     * @param scale Frobenius norm of every link
     */
    record Balanced(double scale) implements Initializer {
        /** Checks the scale. */
        public Balanced {
            InitSchemes.checkScale("scale", scale);
        }

        @Override
        public void initialize(Model model, long seed) {
            InitSchemes.balanced(model, scale, seed);
        }
    }

    /**
     * Depth-independent end-to-end scale.
     *
     * @param std standard deviation of the depth-1 reference draw
     */
    record EndToEnd(double std) implements Initializer {
        /** Checks the scale. */
        public EndToEnd {
            InitSchemes.checkScale("std", std);
        }

        @Override
        public void initialize(Model model, long seed) {
            InitSchemes.endToEnd(model, std, seed);
        }
    }
}
