package deeptensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.tensor.Shape;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small parsers of the command line: options, durations, shapes, models. */
class ArgumentsTest {

    private static final Arguments.Spec SPEC = new Arguments.Spec("test").valued("--output", "-o").valued("--seed").flag("--quiet");

    @Test
    void optionsTakeTheirValueAfterASpaceOrAnEqualsSign() throws Main.UsageException {
        Arguments args = SPEC.parse(List.of("in.npy", "-o", "out.npy", "--seed=-3", "--quiet"));
        assertEquals(List.of("in.npy"), args.positionals());
        assertEquals(Optional.of("out.npy"), args.value("--output"));
        assertEquals(Optional.of("-3"), args.value("--seed"), "a value may start with one dash");
        assertTrue(args.flag("--quiet"));
        Arguments ended = SPEC.parse(List.of("--", "--quiet"));
        assertEquals(List.of("--quiet"), ended.positionals());
        assertFalse(ended.flag("--quiet"));
    }

    @Test
    void mistakesAreRefusedWithTheirName() {
        String[][] bad = {{"--nope"}, {"-o"}, {"-o", "--quiet"}, {"-o", "a", "--output", "b"}, {"--quiet", "--quiet"},
            {"--quiet=1"}, {"--seed="}};
        for (String[] words : bad) {
            Main.UsageException refused = assertThrows(Main.UsageException.class, () -> SPEC.parse(List.of(words)), String.join(" ", words));
            assertTrue(refused.getMessage().startsWith("test: "), refused.getMessage());
        }
    }

    @Test
    void durationsAsPeopleWriteThem() throws Main.UsageException {
        assertEquals(Duration.ofSeconds(90), DurationArgument.parse("--max-time", "90s"));
        assertEquals(Duration.ofMinutes(5), DurationArgument.parse("--max-time", "5m"));
        assertEquals(Duration.ofHours(1), DurationArgument.parse("--max-time", "1h"));
        assertEquals(Duration.ofMinutes(90), DurationArgument.parse("--max-time", "1h30m"));
        assertEquals(Duration.ofSeconds(150), DurationArgument.parse("--max-time", "2m30s"));
        assertEquals(Duration.ofMillis(1500), DurationArgument.parse("--max-time", "1.5s"));
        assertEquals(Duration.ofMillis(250), DurationArgument.parse("--max-time", "250ms"));
        assertEquals(Duration.ofSeconds(120), DurationArgument.parse("--max-time", "120"));
        assertEquals(Duration.ofMillis(2500), DurationArgument.parse("--max-time", "2.5"));
        assertEquals(Duration.ofMinutes(5), DurationArgument.parse("--max-time", "PT5M"));
        assertEquals(Duration.ofMinutes(5), DurationArgument.parse("--max-time", "pt5m"));
        for (String bad : new String[] {"", "s", "5", "-5s", "0", "0s", "PT0S", "5x", "1m1h", "1h1h", "five", "1 h", "PT", "1e3"}) {
            if (bad.equals("5")) {
                continue; // plain seconds are fine
            }
            assertThrows(Main.UsageException.class, () -> DurationArgument.parse("--max-time", bad), "'" + bad + "'");
        }
    }

    @Test
    void shapesWithCrossesOrCommas() throws Main.UsageException {
        assertEquals(Shape.of(14, 10, 12), ShapeArgument.parse("--shape", "14x10x12"));
        assertEquals(Shape.of(14, 10, 12), ShapeArgument.parse("--shape", "14,10,12"));
        assertEquals(Shape.of(14, 10, 12), ShapeArgument.parse("--shape", "14×10×12"));
        assertEquals(Shape.of(7), ShapeArgument.parse("--shape", "7"));
        for (String bad : new String[] {"", "14x", "x10", "14x0x2", "14x-1", "a,b", "14x10x12x", "1.5x2", "99999999999x2"}) {
            assertThrows(Main.UsageException.class, () -> ShapeArgument.parse("--shape", bad), "'" + bad + "'");
        }
    }

    @Test
    void modelsAndDepths() throws Main.UsageException {
        assertTrue(ModelChoice.parse(Optional.empty(), Optional.empty()).spec().isEmpty(), "auto leaves the choice to the library");
        assertTrue(ModelChoice.parse(Optional.of("auto"), Optional.empty()).spec().isEmpty());
        for (String model : new String[] {"tucker", "cp", "tt", "Tucker"}) {
            assertTrue(ModelChoice.parse(Optional.of(model), Optional.empty()).spec().isPresent());
            assertTrue(ModelChoice.parse(Optional.of(model), Optional.of("1")).spec().isPresent());
            assertTrue(ModelChoice.parse(Optional.of(model), Optional.of("3")).spec().isPresent());
        }
        Main.UsageException withAuto = assertThrows(Main.UsageException.class,
                () -> ModelChoice.parse(Optional.empty(), Optional.of("2")));
        assertTrue(withAuto.getMessage().contains("--model"), withAuto.getMessage());
        assertThrows(Main.UsageException.class, () -> ModelChoice.parse(Optional.of("pca"), Optional.empty()));
        assertThrows(Main.UsageException.class, () -> ModelChoice.parse(Optional.of("cp"), Optional.of("0")));
        assertThrows(Main.UsageException.class, () -> ModelChoice.parse(Optional.of("cp"), Optional.of("two")));
    }

    @Test
    void durationsPrintShort() {
        assertEquals("2.5 s", DurationArgument.format(2.5));
        assertEquals("42 s", DurationArgument.format(42));
        assertEquals("3 min 05 s", DurationArgument.format(185));
        assertEquals("1 h 02 min", DurationArgument.format(3720));
        assertEquals("?", DurationArgument.format(Double.NaN));
    }
}
