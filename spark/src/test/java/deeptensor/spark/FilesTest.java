package deeptensor.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.CompletionModel;
import deeptensor.model.Tucker;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import deeptensor.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet and CSV in, a model file and Parquet of requested entries out; bad input refused. */
class FilesTest {

    @TempDir
    Path dir;

    @Test
    void parquetInModelFileAndParquetOut() throws Exception {
        SyntheticTensor tensor = new SyntheticTensor(new int[] {40, 30, 20}, 2, 3000, 0.05, 5);
        String in = dir.resolve("observed.parquet").toString();
        tensor.dataset(TestSpark.session(), 2).write().parquet(in);
        Dataset<Row> observed = TestSpark.session().read().parquet(in);
        try (SparkCompletionResult result = SparkCompletion.of(observed, 40, 30, 20).model(Tucker.shallow().ranks(3, 3, 3))
                .learningRate(3e-2).initScale(0.1).maxSteps(300).seed(1).fit()) {
            System.out.println(result.report());
            assertTrue(result.report().validationEntries() > 200 && result.report().validationEntries() < 400,
                    "about 10 % held out: " + result.report().validationEntries());
            assertTrue(result.report().validationRmse() < 0.3, "fits the rank-2 tensor: " + result.report());
            Path file = dir.resolve("model.dtm");
            result.model().save(file);
            Dataset<Row> wanted = TestSpark.session().createDataFrame(List.of(RowFactory.create(0, 0, 0), RowFactory.create(39, 29, 19),
                    RowFactory.create(7, 3, 11)), DataTypes.createStructType(List.of(
                    DataTypes.createStructField("user", DataTypes.IntegerType, false),
                    DataTypes.createStructField("item", DataTypes.IntegerType, false),
                    DataTypes.createStructField("week", DataTypes.IntegerType, false))));
            String out = dir.resolve("predicted.parquet").toString();
            SparkCompletion.predict(result.model(), wanted).write().parquet(out);
            List<Row> predicted = TestSpark.session().read().parquet(out).orderBy("user").collectAsList();
            try (CompletionModel loaded = CompletionModel.load(file)) {
                assertEquals(3, predicted.size());
                for (Row row : predicted) {
                    double expected = loaded.predict(row.getInt(0), row.getInt(1), row.getInt(2));
                    // The executors predict a batch with the sampled kernels, the loaded model one entry at a
                    // time: the same sums, not necessarily in the same order.
                    assertEquals(expected, row.getDouble(3), 1e-12 * Math.abs(expected), row.toString());
                }
            }
        }
    }

    @Test
    void csvWithOneBasedIndexesAndNamedColumns() throws Exception {
        Path csv = dir.resolve("observed.csv");
        StringBuilder text = new StringBuilder("rating,user,item\n");
        for (int i = 1; i <= 6; i++) {
            for (int j = 1; j <= 5; j++) {
                if ((i + j) % 3 != 0) {
                    text.append(i * j).append(',').append(i).append(',').append(j).append('\n');
                }
            }
        }
        Files.writeString(csv, text);
        Dataset<Row> observed = TestSpark.session().read().option("header", "true").option("inferSchema", "true").csv(csv.toString());
        try (SparkCompletionResult result = SparkCompletion.of(observed, 6, 5).indexColumns("user", "item").valueColumn("rating")
                .indexBase(1).model(deeptensor.model.CP.shallow().rank(1)).learningRate(1e-1).initScale(0.3)
                .validationFraction(0).maxSteps(400).fit();
             Coordinates at = Coordinates.of(Shape.of(6, 5), new int[] {2, 2}); Tensor out = Tensor.zeros(1)) {
            result.model().predict(at, out);
            assertEquals(9.0, out.getFlat(0), 0.05, "the missing entry (3, 3) of the rank-1 table i·j");
        }
    }

    @Test
    void duplicatesAndIndexesOutsideTheShapeAreRefused() {
        var schema = DataTypes.createStructType(List.of(DataTypes.createStructField("i", DataTypes.IntegerType, false),
                DataTypes.createStructField("j", DataTypes.IntegerType, false),
                DataTypes.createStructField("v", DataTypes.DoubleType, false)));
        Dataset<Row> twice = TestSpark.session().createDataFrame(List.of(RowFactory.create(1, 2, 1.0), RowFactory.create(1, 2, 2.0),
                RowFactory.create(0, 0, 1.0)), schema);
        SparkException duplicate = assertThrows(SparkException.class,
                () -> SparkCompletion.of(twice, 3, 3).model(deeptensor.model.CP.shallow().rank(1)).maxSteps(1).fit().close());
        assertTrue(String.valueOf(duplicate.getMessage()).contains("observed twice"), duplicate.getMessage());
        Dataset<Row> outside = TestSpark.session().createDataFrame(List.of(RowFactory.create(3, 0, 1.0)), schema);
        SparkException range = assertThrows(SparkException.class,
                () -> SparkCompletion.of(outside, 3, 3).model(deeptensor.model.CP.shallow().rank(1)).maxSteps(1).fit().close());
        assertTrue(String.valueOf(range.getMessage()).contains("outside mode 0"), range.getMessage());
    }
}
