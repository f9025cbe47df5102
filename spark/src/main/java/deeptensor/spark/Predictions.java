package deeptensor.spark;

import static org.apache.spark.sql.functions.col;

import deeptensor.CompletionModel;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The values of a {@link CompletionModel} at the entries of a Dataset, computed on the executors: the
 * model travels as its file (broadcast once), each executor loads it once and predicts in chunks
 * with the library's batch kernels.
 */
final class Predictions {

    static final int CHUNK = 4096;
    private static final ConcurrentHashMap<String, CompletionModel> LOADED = new ConcurrentHashMap<>();

    private Predictions() {
    }

    static Dataset<Row> predict(CompletionModel model, Dataset<Row> entries, String[] indexColumns, long indexBase, String output) {
        byte[] file = bytes(model);
        String key = java.util.UUID.nameUUIDFromBytes(file).toString();
        Shape shape = model.shape();
        int order = shape.order();
        String[] columns = indexColumns != null ? indexColumns : Arrays.copyOf(entries.columns(), order);
        if (columns.length != order) {
            throw new IllegalArgumentException(columns.length + " index columns for a model of order " + order);
        }
        Column[] select = new Column[order];
        for (int n = 0; n < order; n++) {
            select[n] = col(columns[n]);
        }
        Dataset<Row> input = entries.select(select);
        StructType schema = input.schema().add(output, DataTypes.DoubleType, false);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(entries.sparkSession().sparkContext());
        Broadcast<byte[]> broadcast = jsc.broadcast(file);
        int[] dims = shape.dims();
        return input.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> predictPartition(key, broadcast, dims, indexBase, rows),
                Encoders.row(schema));
    }

    private static byte[] bytes(CompletionModel model) {
        try {
            Path file = Files.createTempFile("deeptensor-model", ".dtm");
            try {
                model.save(file);
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CompletionModel load(String key, Broadcast<byte[]> broadcast) {
        return LOADED.computeIfAbsent(key, k -> {
            try {
                Path file = Files.createTempFile("deeptensor-model", ".dtm");
                try {
                    Files.write(file, broadcast.value());
                    return CompletionModel.load(file);
                } finally {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Iterator<Row> predictPartition(String key, Broadcast<byte[]> broadcast, int[] dims, long indexBase, Iterator<Row> rows) {
        CompletionModel model = load(key, broadcast);
        Shape shape = Shape.of(dims);
        int order = dims.length;
        return new Iterator<>() {
            private final List<Row> chunk = new ArrayList<>(CHUNK);
            private final double[] values = new double[CHUNK];
            private int next;

            @Override
            public boolean hasNext() {
                if (next < chunk.size()) {
                    return true;
                }
                chunk.clear();
                next = 0;
                while (chunk.size() < CHUNK && rows.hasNext()) {
                    chunk.add(rows.next());
                }
                if (chunk.isEmpty()) {
                    return false;
                }
                int[] flat = new int[chunk.size() * order];
                for (int e = 0; e < chunk.size(); e++) {
                    Row row = chunk.get(e);
                    for (int n = 0; n < order; n++) {
                        if (row.isNullAt(n)) {
                            throw new IllegalArgumentException("an entry to predict has no index in mode " + n + ": " + row);
                        }
                        flat[e * order + n] = Math.toIntExact(((Number) row.get(n)).longValue() - indexBase);
                    }
                }
                try (Coordinates at = Coordinates.of(shape, flat); Tensor out = Tensor.zeros(chunk.size())) {
                    model.predict(at, out);
                    java.lang.foreign.MemorySegment.copy(out.segment(), java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0, values, 0,
                            chunk.size());
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row row = chunk.get(next);
                Object[] cells = new Object[order + 1];
                for (int n = 0; n < order; n++) {
                    cells[n] = row.get(n);
                }
                cells[order] = values[next++];
                return RowFactory.create(cells);
            }
        };
    }
}
