package deeptensor.internal.kernel;

import java.lang.System.Logger.Level;

/**
 * Chooses the {@link Kernels} implementation once, at first use, and logs one line saying which.
 *
 * <p>The Vector API implementation is used when the {@code jdk.incubator.vector} module is in the
 * boot layer (the JVM was started with {@code --add-modules jdk.incubator.vector}) and the CPU's
 * preferred vector is at least 256 bits wide; otherwise the scalar reference is used, with a warning
 * that says how to enable the fast path. No class that touches Vector API types is loaded before the
 * module check, so the library runs without the module.
 *
 * <p>The JVM property {@code deeptensor.kernels} forces a choice: {@code auto} (default),
 * {@code scalar}, or {@code simd} (fails if the module is absent).
 */
public final class KernelProvider {

    /** The property that forces an implementation. */
    public static final String PROPERTY = "deeptensor.kernels";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Where the Vector API implementations live: {@code Panama<Interface>} for each kernel interface. */
    private static final String SIMD_PACKAGE = "deeptensor.internal.kernel.simd";
    private static final String SIMD_CLASS = simdClass(Kernels.class);

    private KernelProvider() {
    }

    private static final class Holder {
        static final Kernels CHOSEN;
        /** Why the choice failed (a bad property value, SIMD forced but unavailable), or null. */
        static final RuntimeException FAILURE;

        static {
            Kernels chosen = null;
            RuntimeException failure = null;
            try {
                chosen = choose(System.getProperty(PROPERTY, "auto"));
            } catch (RuntimeException refused) {
                failure = refused;
            }
            CHOSEN = chosen;
            FAILURE = failure;
        }
    }

    /**
     * The implementation chosen for this JVM.
     *
     * @throws IllegalArgumentException if {@code -Ddeeptensor.kernels} has an unknown value
     * @throws IllegalStateException if SIMD was forced but is unavailable (on every call, with the reason)
     */
    public static Kernels kernels() {
        if (Holder.FAILURE instanceof IllegalArgumentException bad) {
            throw new IllegalArgumentException(bad.getMessage(), bad);
        }
        if (Holder.FAILURE != null) {
            throw new IllegalStateException(Holder.FAILURE.getMessage(), Holder.FAILURE);
        }
        return Holder.CHOSEN;
    }

    private static final java.util.concurrent.ConcurrentHashMap<Class<?>, Object> FAMILIES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The implementation of a model's kernel family (such as {@link CpKernels}) that goes with the
     * chosen {@link #kernels()}, resolved once per family: see {@link #family(Class, Kernels, Object)}.
     */
    public static <T> T family(Class<T> family, T scalar) {
        return family.cast(FAMILIES.computeIfAbsent(family, f -> family(family, kernels(), scalar)));
    }

    /**
     * The implementation of a model's kernel family that goes with {@code general}: {@code scalar}
     * when {@code general} is the scalar reference; for the Vector API kernels, the class
     * {@code deeptensor.internal.kernel.simd.Panama<Family>} (for example {@code PanamaCpKernels}) made by its
     * static {@code create(Kernels)}, so that the family shares their vector width and threads. A
     * family without a Vector API class runs on its scalar reference, with one warning. This is how a
     * new model brings its own kernels without any change here or in {@link Kernels}.
     */
    public static <T> T family(Class<T> family, Kernels general, T scalar) {
        if (general == Kernels.scalar()) {
            return scalar;
        }
        String name = simdClass(family);
        try {
            Object made = Class.forName(name).getMethod("create", Kernels.class).invoke(null, general);
            if (made != null) {
                return family.cast(made);
            }
        } catch (ReflectiveOperationException | LinkageError | ClassCastException missing) {
            System.getLogger("deeptensor").log(Level.WARNING, "deeptensor kernels: no Vector API " + family.getSimpleName()
                    + " for " + general.name() + " (" + missing + "); its scalar reference runs instead");
        }
        return scalar;
    }

    /** Whether the incubator module is present in this JVM. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** The Vector API implementation of {@code kernels}, by name (loading it is left to the caller). */
    private static String simdClass(Class<?> kernels) {
        return SIMD_PACKAGE + ".Panama" + kernels.getSimpleName();
    }

    /**
     * The Vector API implementation, or empty when the module or the implementation is absent or the
     * CPU's vectors are narrower than 256 bits.
     */
    public static java.util.Optional<Kernels> simd() {
        if (!vectorModulePresent()) {
            return java.util.Optional.empty();
        }
        try {
            Class<?> type = Class.forName(SIMD_CLASS);
            Object candidate = type.getMethod("createIfSupported").invoke(null);
            return java.util.Optional.ofNullable((Kernels) candidate);
        } catch (java.lang.reflect.InvocationTargetException failed) {
            // The implementation exists but refused to start (for example a bad thread count): say so.
            System.getLogger("deeptensor").log(Level.WARNING, "deeptensor kernels: the Vector API kernels failed to start: "
                    + failed.getCause());
            return java.util.Optional.empty();
        } catch (ReflectiveOperationException | LinkageError unavailable) {
            return java.util.Optional.empty();
        }
    }

    /** A sentence for the user saying why the Vector API kernels cannot be used here. */
    static String whySimdIsUnavailable() {
        if (!vectorModulePresent()) {
            return "the JVM was started without the Vector API; add --add-modules " + VECTOR_MODULE + " to the java command";
        }
        try {
            Class.forName(SIMD_CLASS, false, KernelProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError missing) {
            return "this build of deeptensor has no Vector API kernels";
        }
        return "this CPU's vectors are narrower than 256 bits";
    }

    static Kernels choose(String requested) {
        System.Logger log = System.getLogger("deeptensor");
        switch (requested) {
            case "scalar" -> {
                log.log(Level.INFO, "deeptensor kernels: scalar (forced by -D" + PROPERTY + "=scalar)");
                return Kernels.scalar();
            }
            case "simd" -> {
                Kernels simd = simd().orElseThrow(() -> new IllegalStateException("-D" + PROPERTY
                        + "=simd was requested but the Vector API kernels are unavailable: " + whySimdIsUnavailable()));
                log.log(Level.INFO, "deeptensor kernels: " + simd.name() + " (forced by -D" + PROPERTY + "=simd)");
                return simd;
            }
            case "auto" -> {
                java.util.Optional<Kernels> simd = simd();
                if (simd.isPresent()) {
                    log.log(Level.INFO, "deeptensor kernels: " + simd.get().name());
                    return simd.get();
                }
                log.log(Level.WARNING, "deeptensor kernels: scalar, slow: " + whySimdIsUnavailable());
                return Kernels.scalar();
            }
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + requested
                    + " is not one of auto, scalar, simd");
        }
    }
}
