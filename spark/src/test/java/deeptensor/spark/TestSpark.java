package deeptensor.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** One Spark session for every test class (one SparkContext per JVM): two cores, tasks tried up to four times. */
final class TestSpark {

    private static SparkSession session;

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,4]")
                    .appName("deeptensor-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.broadcast.compress", "false")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    /** The entries as a Dataset (columns i0 … i_{N−1}, value), made on the driver. */
    static Dataset<Row> dataset(SyntheticTensor tensor, int[] flat, double[] values) {
        int order = tensor.dims().length;
        List<Row> rows = new ArrayList<>(values.length);
        for (int e = 0; e < values.length; e++) {
            Object[] cells = new Object[order + 1];
            for (int n = 0; n < order; n++) {
                cells[n] = flat[e * order + n];
            }
            cells[order] = values[e];
            rows.add(RowFactory.create(cells));
        }
        return session().createDataFrame(rows, tensor.schema());
    }
}
