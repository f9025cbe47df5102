package deeptensor.internal.kernel.simd;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One copy of a vector-code class per vector species, each with the species as a true constant.
 *
 * <p>Why: the JIT turns Vector API calls into machine vector instructions only when the species is
 * a compile-time constant; with the species in an instance field the same code runs some thirty
 * times slower (measured: 1.5 against 40 GFLOP/s for the GEMM). A class that needs the species reads
 * it into a {@code static final} field through {@link #species(MethodHandles.Lookup)}: the class as
 * loaded normally gets the CPU's preferred species, and for any other species this class defines a
 * hidden copy of the same bytecode whose class data is that species. The copies share no JIT
 * profiles either, so exercising one width never slows another.
 */
final class Specialized {

    private static final Map<String, Class<?>> COPIES = new ConcurrentHashMap<>();

    private Specialized() {
    }

    /**
     * The species for the class whose lookup is given: its class data if it is a hidden copy, the
     * preferred species otherwise. Call from a static initializer with {@code MethodHandles.lookup()}.
     */
    @SuppressWarnings("unchecked")
    static VectorSpecies<Double> species(MethodHandles.Lookup lookup) {
        if (lookup.lookupClass().isHidden()) {
            try {
                return MethodHandles.classData(lookup, "_", VectorSpecies.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read the vector species of " + lookup.lookupClass(), e);
            }
        }
        return DoubleVector.SPECIES_PREFERRED;
    }

    /**
     * An instance of {@code template} (constructed with {@code argument}) whose species constant is
     * {@code species}: the template itself for the preferred species, a hidden copy otherwise.
     */
    static <T> T create(Class<? extends T> template, Class<T> api, VectorSpecies<Double> species,
                        Class<?> argumentType, Object argument) {
        try {
            Class<?> type = species.equals(DoubleVector.SPECIES_PREFERRED)
                    ? template
                    : COPIES.computeIfAbsent(template.getName() + "/" + species.vectorBitSize(), key -> copy(template, species));
            Object instance = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .findConstructor(type, MethodType.methodType(void.class, argumentType))
                    .invoke(argument);
            return api.cast(instance);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create " + template.getSimpleName() + " for " + species, e);
        }
    }

    private static Class<?> copy(Class<?> template, VectorSpecies<Double> species) {
        try (InputStream in = template.getResourceAsStream(template.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IllegalStateException("class file of " + template.getName() + " not found");
            }
            byte[] bytes = in.readAllBytes();
            return MethodHandles.lookup().defineHiddenClassWithClassData(bytes, species, true).lookupClass();
        } catch (IOException | IllegalAccessException e) {
            throw new IllegalStateException("cannot copy " + template.getName() + " for " + species, e);
        }
    }
}
