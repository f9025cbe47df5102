package deeptensor.testing;

import java.util.function.Consumer;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * How every property in this suite is run: QuickTheories with a fixed seed, so that a run is
 * repeatable in CI, and a bounded number of shrink steps.
 *
 * <p>System properties (passed through by surefire, e.g. {@code mvn test -Dproperties.seed=42}):
 * <ul>
 *   <li>{@code properties.seed}: the seed of every property (default {@value #DEFAULT_SEED}). A
 *       failing property prints "Seed was …"; run again with that seed to replay it.</li>
 *   <li>{@code properties.scale}: multiplies the number of examples of every property (default 1;
 *       more to explore locally, less than 1 for mutation testing, at least one example each).</li>
 *   <li>{@code properties.shrinks}: shrink steps after a failure (default {@value #DEFAULT_SHRINKS}; 0
 *       reports the first counterexample as found, which mutation testing uses to save time).</li>
 * </ul>
 */
public final class Properties {

    /** The seed when none is given. */
    public static final long DEFAULT_SEED = 20_250_611L;
    /** Shrink steps when none are given: enough to reach small shapes, bounded for slow properties. */
    public static final int DEFAULT_SHRINKS = 400;

    private Properties() {
    }

    /** The seed of this run: {@code -Dproperties.seed}, or {@link #DEFAULT_SEED}. */
    public static long seed() {
        String value = System.getProperty("properties.seed", "").strip();
        return value.isEmpty() ? DEFAULT_SEED : Long.decode(value);
    }

    private static int integer(String name, int otherwise) {
        String value = System.getProperty(name, "").strip();
        return value.isEmpty() ? otherwise : Integer.parseInt(value);
    }

    /** A QuickTheories run of {@code examples} examples (times {@code properties.scale}) with this run's seed. */
    public static QuickTheory qt(int examples) {
        String scale = System.getProperty("properties.scale", "").strip();
        int scaled = (int) Math.max(1, Math.round(examples * (scale.isEmpty() ? 1 : Double.parseDouble(scale))));
        return QuickTheory.qt()
                .withFixedSeed(seed())
                .withExamples(scaled)
                .withShrinkCycles(integer("properties.shrinks", DEFAULT_SHRINKS));
    }

    /** Checks {@code property} on {@code examples} values of {@code gen}: it must not throw. */
    public static <T> void check(int examples, Gen<T> gen, Consumer<T> property) {
        qt(examples).forAll(gen).checkAssert(property);
    }
}
