package deeptensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.io.FormatException;
import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.OffHeapMemory;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served model against the fit it came from: it computes the completed tensor, survives a
 * save and load bit for bit, answers the same from many threads, and refuses damaged files.
 */
class CompletionModelTest {

    @TempDir
    Path directory;

    /** A smooth low-rank tensor with about {@code missing} of its entries NaN. */
    private static Tensor withHoles(long seed, double missing, int... dims) {
        Tensor x = Tensor.zeros(dims);
        int[] index = new int[dims.length];
        SplittableRandom random = new SplittableRandom(seed);
        for (long flat = 0; flat < x.size(); flat++) {
            x.shape().index(flat, index);
            double a = 1, b = 1;
            for (int n = 0; n < dims.length; n++) {
                a *= 1 + 0.1 * index[n];
                b *= Math.cos(0.3 * index[n] + n);
            }
            x.setFlat(flat, random.nextDouble() < missing ? Double.NaN : a + 0.5 * b + 0.05 * random.nextGaussian());
        }
        return x;
    }

    private static Coordinates everyEntry(Shape shape) {
        long[] offsets = new long[(int) shape.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = i;
        }
        return Coordinates.ofOffsets(shape, offsets);
    }

    private static List<ModelSpec> explicitSpecs() {
        List<ModelSpec> specs = new ArrayList<>();
        for (FactorForm form : List.of(FactorForm.direct(), FactorForm.sharedChain(2), FactorForm.columnChains(3))) {
            specs.add(CP.shallow().factorForm(form).rank(3));
            specs.add(Tucker.shallow().factorForm(form).ranks(3, 2, 2));
            specs.add(TensorTrain.shallow().factorForm(form).ranks(1, 3, 2, 1));
        }
        return specs;
    }

    /** Every kind and form, and the default recipe: predictions, completed tensor and file agree. */
    @Test
    void aSavedModelPredictsBitForBitWhatTheFitComputes() throws IOException {
        List<ModelSpec> specs = new ArrayList<>(explicitSpecs());
        specs.add(null); // the default recipe: a centre plus an average of several Tucker fits
        int run = 0;
        for (ModelSpec spec : specs) {
            try (Tensor observed = withHoles(run, 0.5, 6, 5, 4);
                 deeptensor.tensor.Observations data = deeptensor.tensor.Observations.fromDense(observed)) {
                Completion completion = Completion.of(data).seed(run);
                if (spec != null) {
                    completion.model(spec).maxSteps(60);
                }
                try (CompletionResult result = completion.fit();
                     Coordinates all = everyEntry(data.shape());
                     Tensor before = Tensor.zeros(all.count());
                     Tensor after = Tensor.zeros(all.count());
                     Tensor rebuilt = Tensor.zeros(data.shape())) {
                    CompletionModel model = result.model();
                    String what = model.describe();
                    model.toTensor(rebuilt);
                    assertArrayEquals(result.completed().toArray(), rebuilt.toArray(), 0.0, what + ": the completed tensor is the model's");
                    model.predict(all, before);
                    double largest = 0;
                    for (double v : rebuilt.toArray()) {
                        largest = Math.max(largest, Math.abs(v));
                    }
                    assertArrayEquals(rebuilt.toArray(), before.toArray(), 1e-12 * largest, what + ": sampled and dense agree");
                    int[] index = new int[3];
                    for (int e = 0; e < all.count(); e += 7) {
                        for (int n = 0; n < 3; n++) {
                            index[n] = all.index(e, n);
                        }
                        assertEquals(before.getFlat(e), model.predict(index), 1e-12 * largest, what + ": one entry");
                    }
                    Path file = directory.resolve("model-" + run + ".dtm");
                    model.save(file);
                    try (CompletionModel loaded = CompletionModel.load(file)) {
                        loaded.predict(all, after);
                        assertArrayEquals(before.toArray(), after.toArray(), 0.0, what + ": predictions after a round trip");
                        assertEquals(model.describe(), loaded.describe());
                        assertEquals(model.shape(), loaded.shape());
                        for (int e = 0; e < all.count(); e += 5) {
                            for (int n = 0; n < 3; n++) {
                                index[n] = all.index(e, n);
                            }
                            assertEquals(model.predict(index), loaded.predict(index), 0.0, what + ": one entry after a round trip");
                        }
                        Path again = directory.resolve("again-" + run + ".dtm");
                        loaded.save(again);
                        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), what + ": saving a loaded model writes the same bytes");
                    }
                }
            }
            run++;
        }
    }

    /**
     * Factors made outside a fit serve exactly what their factorization evaluates and survive a
     * round trip; the model holds a copy (the caller's tensors stay theirs).
     */
    @Test
    void aFactorizationMadeElsewhereServesWhatItEvaluates() throws IOException {
        Shape shape = Shape.of(7, 5, 6);
        int[][] ranks = {{4}, {3, 5, 2}, {1, 3, 4, 1}};
        deeptensor.internal.model.Factorization.Kind[] kinds = deeptensor.internal.model.Factorization.Kind.values();
        for (int k = 0; k < kinds.length; k++) {
            long count = deeptensor.internal.model.Factorization.valueCount(kinds[k], shape, ranks[k]);
            try (Tensor values = Tensor.gaussian(k, 1.0, (int) count);
                 Coordinates all = everyEntry(shape);
                 Tensor direct = Tensor.zeros(all.count());
                 Tensor served = Tensor.zeros(all.count());
                 Tensor reloaded = Tensor.zeros(all.count())) {
                deeptensor.internal.model.Factorization factors = deeptensor.internal.model.Factorization.of(kinds[k], shape, ranks[k], values);
                factors.evaluate(all, direct);
                Tensor[] blocks = factors.blocks();
                try (CompletionModel model = switch (kinds[k]) {
                    case CP -> CompletionModel.ofCp(blocks);
                    case TUCKER -> CompletionModel.ofTucker(factors.core(), blocks);
                    case TENSOR_TRAIN -> CompletionModel.ofTensorTrain(blocks);
                }) {
                    model.predict(all, served);
                    assertArrayEquals(direct.toArray(), served.toArray(), 0.0, kinds[k] + ": the model is the factorization");
                    assertTrue(model.describe().startsWith(kinds[k].toString()), model.describe());
                    Path file = directory.resolve("made-" + k + ".dtm");
                    model.save(file);
                    try (CompletionModel loaded = CompletionModel.load(file)) {
                        loaded.predict(all, reloaded);
                        assertArrayEquals(direct.toArray(), reloaded.toArray(), 0.0, kinds[k] + ": after a round trip");
                    }
                }
                factors.close();
            }
        }
    }

    /** Factors that do not fit together are refused with the shape that is wrong, and nothing is kept. */
    @Test
    void mismatchedFactorsAreRefused() {
        try (Tensor a = Tensor.zeros(3, 2); Tensor b = Tensor.zeros(4, 3); Tensor vector = Tensor.zeros(4);
             Tensor core = Tensor.zeros(2, 2); Tensor tt1 = Tensor.zeros(1, 3, 2); Tensor tt2 = Tensor.zeros(3, 4, 1)) {
            assertThrows(IllegalArgumentException.class, () -> CompletionModel.ofCp(a, b), "ranks 2 and 3");
            assertThrows(IllegalArgumentException.class, () -> CompletionModel.ofCp(a, vector), "a vector is no factor");
            assertThrows(IllegalArgumentException.class, () -> CompletionModel.ofCp(a), "one mode");
            assertThrows(IllegalArgumentException.class, () -> CompletionModel.ofTucker(core, a, b), "core 2×2, factor ranks 2 and 3");
            assertThrows(IllegalArgumentException.class, () -> CompletionModel.ofTensorTrain(tt1, tt2), "bond 2 against 3");
            assertThrows(NullPointerException.class, () -> CompletionModel.ofCp(a, null));
        }
    }

    /** The Javadoc example of {@link CompletionModel#ofCp}, run. */
    @Test
    void theCpExampleGivesWhatItSays() {
        try (Tensor a = Tensor.matrix(new double[][] {{1, 0}, {0, 1}, {1, 1}});
             Tensor b = Tensor.matrix(new double[][] {{2, 1}, {1, 2}});
             CompletionModel model = CompletionModel.ofCp(a, b)) {
            assertEquals(3.0, model.predict(2, 1), 0.0);
            assertEquals(model.predict(0, 0), 2.0, 0.0);
        }
    }

    /** Eight threads predicting random batches get exactly what one thread gets, and no memory grows. */
    @Test
    void concurrentPredictionsEqualSingleThreadOnes() throws Exception {
        try (Tensor observed = withHoles(9, 0.5, 7, 6, 5);
             deeptensor.tensor.Observations data = deeptensor.tensor.Observations.fromDense(observed);
             CompletionResult result = Completion.of(data).seed(1).fit()) {
            CompletionModel model = result.model();
            int batches = 64;
            List<Coordinates> requests = new ArrayList<>();
            List<double[]> expected = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(3);
            for (int b = 0; b < batches; b++) {
                int m = 1 + random.nextInt(300);
                long[] offsets = new long[m];
                for (int e = 0; e < m; e++) {
                    offsets[e] = random.nextLong(data.shape().size()); // repeats allowed: requests may ask twice
                }
                Coordinates at = Coordinates.ofOffsets(data.shape(), offsets);
                requests.add(at);
                try (Tensor out = Tensor.zeros(m)) {
                    model.predict(at, out);
                    expected.add(out.toArray());
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int first = t;
                    done.add(pool.submit(() -> {
                        for (int round = 0; round < 20; round++) {
                            for (int b = first; b < batches; b += 3) {
                                Coordinates at = requests.get(b);
                                try (Tensor out = Tensor.zeros(at.count())) {
                                    model.predict(at, out);
                                    assertArrayEquals(expected.get(b), out.toArray(), 0.0, "batch " + b);
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
                requests.forEach(Coordinates::close);
            }
            // Steady state: once the pool holds a scratch vector large enough, a batch allocates nothing.
            try (Coordinates at = Coordinates.ofOffsets(data.shape(), new long[] {0, 5, 17}); Tensor out = Tensor.zeros(3)) {
                model.predict(at, out);
                long held = OffHeapMemory.inUse();
                for (int i = 0; i < 100; i++) {
                    model.predict(at, out);
                }
                assertEquals(held, OffHeapMemory.inUse(), "repeated batches hold no new memory");
            }
        }
    }

    @Test
    void predictionsOfAnotherShapeOrSizeAreRefused() {
        try (Tensor observed = withHoles(2, 0.5, 4, 3, 2);
             deeptensor.tensor.Observations data = deeptensor.tensor.Observations.fromDense(observed);
             CompletionResult result = Completion.of(data).model(CP.shallow().rank(2)).maxSteps(5).fit();
             Coordinates other = Coordinates.ofOffsets(Shape.of(4, 3, 3), new long[] {0});
             Coordinates mine = Coordinates.ofOffsets(Shape.of(4, 3, 2), new long[] {0, 1});
             Tensor one = Tensor.zeros(1)) {
            CompletionModel model = result.model();
            assertEquals("coordinates into 4×3×3 cannot be predicted by a model of shape 4×3×2",
                    assertThrows(IllegalArgumentException.class, () -> model.predict(other, one)).getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> model.predict(mine, one)).getMessage().contains("need a vector of 2"));
            assertThrows(IndexOutOfBoundsException.class, () -> model.predict(4, 0, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> model.predict(0, 0));
        }
    }

    private byte[] savedDefaultModel(Path file) throws IOException {
        try (Tensor observed = withHoles(4, 0.5, 5, 4, 3);
             deeptensor.tensor.Observations data = deeptensor.tensor.Observations.fromDense(observed);
             CompletionResult result = Completion.of(data).seed(2).fit()) {
            result.model().save(file);
        }
        return Files.readAllBytes(file);
    }

    private static String refusal(Path file) {
        FormatException refused = assertThrows(FormatException.class, () -> CompletionModel.load(file).close());
        assertTrue(refused.getMessage().startsWith(file.toString()), refused.getMessage());
        return refused.getMessage();
    }

    /** Every single flipped bit and every truncation is refused with a FormatException naming the file. */
    @Test
    void damagedFilesAreRefused() throws IOException {
        Path file = directory.resolve("good.dtm");
        byte[] good = savedDefaultModel(file);
        Path bad = directory.resolve("bad.dtm");
        SplittableRandom random = new SplittableRandom(8);
        for (int offset = 0; offset < good.length; offset++) {
            byte[] flipped = good.clone();
            flipped[offset] ^= (byte) (1 << random.nextInt(8));
            Files.write(bad, flipped);
            refusal(bad);
        }
        for (int length = 0; length < good.length; length += Math.max(1, length / 8)) {
            Files.write(bad, java.util.Arrays.copyOf(good, length));
            refusal(bad);
        }
        Files.write(bad, java.util.Arrays.copyOf(good, good.length + 3));
        refusal(bad);
    }

    @Test
    void aNewerVersionAndOtherFilesAreRefusedByName() throws IOException {
        Path file = directory.resolve("good.dtm");
        byte[] good = savedDefaultModel(file);
        Path bad = directory.resolve("newer.dtm");
        byte[] newer = good.clone();
        ByteBuffer.wrap(newer).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
        Files.write(bad, newer);
        assertTrue(refusal(bad).endsWith("byte 8: written by a newer deeptensor (model format version 2); this version reads version 1"));
        Files.writeString(bad, "# not a model\n1 2 3 4.5\n");
        assertTrue(refusal(bad).contains("byte 0: not a deeptensor model file"));
        Path folder = Files.createDirectories(directory.resolve("folder.dtm"));
        assertTrue(refusal(folder).contains("is a folder"));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> CompletionModel.load(directory.resolve("missing.dtm")));
        try (CompletionModel loaded = CompletionModel.load(file)) {
            assertEquals(Shape.of(5, 4, 3), loaded.shape());
        }
    }

    /** The documented layout, read independently of the reader: magic, version, shape, scale. */
    @Test
    void theHeaderIsAsDocumented() throws IOException {
        byte[] bytes = savedDefaultModel(directory.resolve("layout.dtm"));
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("DTMODEL\0", new String(bytes, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, in.getInt(8));
        assertEquals(3, in.getInt(12));
        assertEquals(5, in.getInt(16));
        assertEquals(4, in.getInt(20));
        assertEquals(3, in.getInt(24));
        assertTrue(in.getDouble(28) > 0, "the scale");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertEquals((int) crc.getValue(), in.getInt(bytes.length - 4), "the trailing CRC32C covers every byte before it");
    }
}
