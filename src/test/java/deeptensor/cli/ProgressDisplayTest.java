package deeptensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.CompletionProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress display, driven by a fake clock. */
class ProgressDisplayTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long nanos;

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void advance(double seconds) {
        nanos += (long) (seconds * 1e9);
    }

    private static CompletionProgress at(double fraction, double seconds) {
        return new CompletionProgress("training a model", fraction, 0.25, seconds);
    }

    @Test
    void withoutATerminalALineEveryFewSeconds() {
        ProgressDisplay display = new ProgressDisplay(err, ProgressDisplay.Mode.LINES, 80, () -> nanos);
        for (int step = 1; step <= 100; step++) {
            advance(0.1); // ten seconds in all
            display.onProgress(at(step / 100.0, step * 0.1));
        }
        display.finish();
        String[] lines = printed().split("\n");
        assertEquals(2, lines.length, printed());
        assertTrue(lines[0].startsWith("deeptensor: 50 % done, training a model; validation error 0.2500; 5.0 s elapsed, about 5.0 s left"),
                lines[0]);
        assertFalse(printed().contains("\r"));
    }

    @Test
    void onATerminalOneLineRedrawnAndWipedAtTheEnd() {
        ProgressDisplay display = new ProgressDisplay(err, ProgressDisplay.Mode.BAR, 60, () -> nanos);
        for (int step = 1; step <= 20; step++) {
            advance(0.1);
            display.onProgress(at(step / 20.0, step * 0.1));
        }
        display.finish();
        String text = printed();
        assertFalse(text.contains("\n"), "never a new line");
        assertTrue(text.contains("\r[##########----------]  50 %"), text);
        for (String drawn : text.split("\r")) {
            assertTrue(drawn.length() <= 59 || drawn.isBlank(), "fits the width: '" + drawn + "'");
        }
        assertTrue(text.endsWith("\r"), "the bar is wiped for the summary");
    }

    @Test
    void aSilentFitStillSeesTheClockMove() {
        ProgressDisplay display = new ProgressDisplay(err, ProgressDisplay.Mode.LINES, 80, () -> nanos);
        advance(1);
        display.onProgress(at(0.5, 1));
        advance(2);
        display.tick();
        assertEquals("", printed(), "nothing before 5 s");
        advance(3);
        display.tick();
        assertTrue(printed().contains("; 6.0 s elapsed"), "the elapsed time moved on without a new update: " + printed());
        display.finish();
        advance(10);
        display.tick();
        assertEquals(1, printed().lines().count(), "nothing after finish");
    }

    @Test
    void quietShowsNothing() {
        ProgressDisplay display = new ProgressDisplay(err, ProgressDisplay.Mode.NONE, 80, () -> nanos);
        advance(60);
        display.onProgress(at(0.5, 60));
        display.finish();
        assertEquals("", printed());
        assertEquals(0.5, display.latest().fractionDone());
    }
}
