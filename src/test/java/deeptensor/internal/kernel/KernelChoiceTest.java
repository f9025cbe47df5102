package deeptensor.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelProvider#choose}: the implementation each setting gives and the one line it logs
 * (the class's Javadoc: "logs one line saying which"), the refusal of unknown settings, and the
 * fallback when the Vector API kernels are present but refuse to start (a bad
 * {@code -Ddeeptensor.threads}), which is the one fallback reachable in a JVM that has the module.
 * {@link FallbackTest} covers the JVM without it (the {@code -Pscalar} run).
 */
class KernelChoiceTest {

    private static final String THREADS = "deeptensor.threads";

    /** The records the "deeptensor" logger receives while {@code action} runs. */
    private static List<LogRecord> logged(Runnable action) {
        Logger logger = Logger.getLogger("deeptensor");
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
        }
        return records;
    }

    private static void oneLine(List<LogRecord> records, Level level, String message) {
        assertEquals(1, records.size(), "one line is logged, got " + records.stream().map(LogRecord::getMessage).toList());
        assertEquals(level, records.get(0).getLevel());
        assertEquals(message, records.get(0).getMessage());
    }

    @Test
    void eachSettingGivesItsImplementationAndLogsIt() {
        Kernels[] chosen = new Kernels[1];
        oneLine(logged(() -> chosen[0] = KernelProvider.choose("scalar")), Level.INFO,
                "deeptensor kernels: scalar (forced by -Ddeeptensor.kernels=scalar)");
        assertEquals("scalar", chosen[0].name());
        assumeTrue(KernelProvider.vectorModulePresent() && KernelProvider.simd().isPresent(), "the Vector API kernels run here");
        String simd = KernelProvider.simd().orElseThrow().name();
        assertNotEquals("scalar", simd);
        oneLine(logged(() -> chosen[0] = KernelProvider.choose("simd")), Level.INFO,
                "deeptensor kernels: " + simd + " (forced by -Ddeeptensor.kernels=simd)");
        assertEquals(simd, chosen[0].name());
        oneLine(logged(() -> chosen[0] = KernelProvider.choose("auto")), Level.INFO, "deeptensor kernels: " + simd);
        assertEquals(simd, chosen[0].name());
        assertEquals(simd, KernelProvider.kernels().name(), "this JVM chose the Vector API kernels");
        assertSame(KernelProvider.kernels(), KernelProvider.kernels(), "chosen once");
        assertEquals("this CPU's vectors are narrower than 256 bits", KernelProvider.whySimdIsUnavailable(),
                "with the module and the classes present, only the CPU can be the reason");
    }

    @Test
    void unknownSettingsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelProvider.choose("fast"));
        assertEquals("-Ddeeptensor.kernels=fast is not one of auto, scalar, simd", e.getMessage());
    }

    /** SIMD kernels that fail to start are reported, and AUTO falls back to the scalar ones with a warning. */
    @Test
    void kernelsThatFailToStartAreReportedAndAutoFallsBack() {
        assumeTrue(KernelProvider.vectorModulePresent() && KernelProvider.simd().isPresent(), "the Vector API kernels run here");
        String saved = System.getProperty(THREADS);
        System.setProperty(THREADS, "0");
        try {
            List<LogRecord> records = logged(() -> assertTrue(KernelProvider.simd().isEmpty(), "kernels that cannot start are absent"));
            assertEquals(1, records.size());
            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertEquals("deeptensor kernels: the Vector API kernels failed to start: java.lang.IllegalArgumentException: "
                    + "-Ddeeptensor.threads=0 is not a thread count (1 or more)", records.get(0).getMessage());

            Kernels[] chosen = new Kernels[1];
            records = logged(() -> chosen[0] = KernelProvider.choose("auto"));
            assertEquals("scalar", chosen[0].name(), "AUTO falls back to the scalar kernels");
            LogRecord last = records.get(records.size() - 1);
            assertEquals(Level.WARNING, last.getLevel());
            assertTrue(last.getMessage().startsWith("deeptensor kernels: scalar, slow: "), last.getMessage());

            IllegalStateException forced = assertThrows(IllegalStateException.class, () -> KernelProvider.choose("simd"));
            assertTrue(forced.getMessage().startsWith("-Ddeeptensor.kernels=simd was requested but the Vector API kernels are unavailable: "),
                    forced.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(THREADS);
            } else {
                System.setProperty(THREADS, saved);
            }
        }
    }
}
