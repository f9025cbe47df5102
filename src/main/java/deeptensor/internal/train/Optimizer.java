package deeptensor.internal.train;

/**
 * An optimizer's settings, for {@code Completion.optimizer}: which update rule, which learning rate.
 * The update rules follow the papers' published code exactly (Razin et al. 2021 for GroupRMSprop, Hariz et al. 2024 for Adam):
 *
 * <ul>
 *   <li>{@link GradientDescent}: {@code θ ← θ − lr·g}.</li>
 *   <li>{@link GroupRmsProp} (Razin et al.'s code): one global adaptive scale over all parameters,
 *       {@code s_t = α s_{t−1} + (1−α) Σ‖g‖²}, {@code η_t = lr / (√(s_t/(1−α^t)) + ε)},
 *       {@code θ ← θ − η_t g}; defaults α = 0.99, ε = 1e-6.</li>
 *   <li>{@link Adam} as Keras implements it (the AISTATS 2024 code uses Keras):
 *       {@code m ← β1 m + (1−β1) g}, {@code v ← β2 v + (1−β2) g²},
 *       {@code θ ← θ − lr·√(1−β2^t)/(1−β1^t) · m / (√v + ε)} (ε is added to the uncorrected
 *       {@code √v}, Keras's "epsilon hat"); defaults β1 = 0.9, β2 = 0.999, ε = 1e-7.</li>
 * </ul>
 */
public sealed interface Optimizer permits Optimizer.GradientDescent, Optimizer.GroupRmsProp, Optimizer.Adam {

    /** The learning rate. */
    double learningRate();

    /** The same optimizer with another learning rate. */
    Optimizer withLearningRate(double learningRate);

    /** Plain gradient descent. */
    static Optimizer gradientDescent(double learningRate) {
        return new GradientDescent(learningRate);
    }

    /** GroupRMSprop with α = 0.99, ε = 1e-6. */
    static Optimizer groupRmsProp(double learningRate) {
        return new GroupRmsProp(learningRate, 0.99, 1e-6);
    }

    /** Adam with β1 = 0.9, β2 = 0.999, ε = 1e-7 (Keras's defaults). */
    static Optimizer adam(double learningRate) {
        return new Adam(learningRate, 0.9, 0.999, 1e-7);
    }

    /**
     * Plain gradient descent.
     *
     * @param learningRate the step size, positive
     */
    record GradientDescent(double learningRate) implements Optimizer {
        /** Checks the learning rate. */
        public GradientDescent {
            checkRate(learningRate);
        }

        @Override
        public Optimizer withLearningRate(double learningRate) {
            return new GradientDescent(learningRate);
        }


        @Override
        public String toString() {
            return "gradient descent (lr " + learningRate + ")";
        }
    }

    /**
     * GroupRMSprop: normalized gradient descent with one global adaptive scale.
     *
     * @param learningRate the step size, positive
     * @param alpha        the decay of the running mean of the squared gradient norm, in [0, 1)
     * @param epsilon      added to the root of the bias-corrected mean, non-negative
     */
    record GroupRmsProp(double learningRate, double alpha, double epsilon) implements Optimizer {
        /** Checks the settings. */
        public GroupRmsProp {
            checkRate(learningRate);
            checkDecay("alpha", alpha);
            checkEpsilon(epsilon);
        }

        @Override
        public Optimizer withLearningRate(double learningRate) {
            return new GroupRmsProp(learningRate, alpha, epsilon);
        }


        @Override
        public String toString() {
            return "GroupRMSprop (lr " + learningRate + ", alpha " + alpha + ", eps " + epsilon + ")";
        }
    }

    /**
     * Adam in Keras's form.
     *
     * @param learningRate the step size, positive
     * @param beta1        decay of the first moment, in [0, 1)
     * @param beta2        decay of the second moment, in [0, 1)
     * @param epsilon      added to {@code √v}, non-negative
     */
    record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {
        /** Checks the settings. */
        public Adam {
            checkRate(learningRate);
            checkDecay("beta1", beta1);
            checkDecay("beta2", beta2);
            checkEpsilon(epsilon);
        }

        @Override
        public Optimizer withLearningRate(double learningRate) {
            return new Adam(learningRate, beta1, beta2, epsilon);
        }


        @Override
        public String toString() {
            return "Adam (lr " + learningRate + ", beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + epsilon + ")";
        }
    }

    private static void checkRate(double rate) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("the learning rate must be a positive finite number, got " + rate);
        }
    }

    private static void checkDecay(String name, double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + decay);
        }
    }

    private static void checkEpsilon(double epsilon) {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a non-negative finite number, got " + epsilon);
        }
    }
}
