package deeptensor.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import deeptensor.model.CP;
import deeptensor.tensor.Coordinates;
import deeptensor.tensor.Shape;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.RDDBlockId;
import org.junit.jupiter.api.Test;

/**
 * A task that fails mid-fit is run again by Spark, and a cached partition that is lost (with the
 * executor's off-heap copy of it) is recomputed from its lineage: the fit ends where an undisturbed
 * fit ends.
 */
class FaultToleranceTest {

    @Test
    void aFailedTaskAndALostPartitionDoNotChangeTheResult() throws Exception {
        SyntheticTensor tensor = new SyntheticTensor(EquivalenceTest.DIMS, 3, 6000, 0.1, 7);
        Dataset<Row> observed = tensor.dataset(TestSpark.session(), 3);
        AtomicInteger failedTasks = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof TaskFailedReason) {
                    failedTasks.incrementAndGet();
                }
            }
        };
        TestSpark.session().sparkContext().addSparkListener(counter);
        try (SparkCompletionResult undisturbed = fit(observed).fit();
             SparkCompletionResult disturbed = fit(observed)
                     .failOnce(7, 1)
                     .stepHook((step, fit, rddId) -> {
                         if (step == 4) { // partition 0 lost: the cached block and the executor's copy
                             SparkEnv.get().blockManager().removeBlock(new RDDBlockId(rddId, 0), true);
                             Executors.forget(fit, 0);
                         }
                     })
                     .fit();
             Coordinates somewhere = EquivalenceTest.randomEntries(Shape.of(EquivalenceTest.DIMS), 2000, 3)) {
            TestSpark.session().sparkContext().listenerBus().waitUntilEmpty();
            assertTrue(failedTasks.get() >= 1, "the injected failure did not happen");
            assertEquals(undisturbed.report().steps(), disturbed.report().steps());
            double difference = EquivalenceTest.relativeDifference(undisturbed.model(), disturbed.model(), somewhere);
            System.out.printf("failed tasks %d; relative difference after recovery %.3e%n", failedTasks.get(), difference);
            assertTrue(difference <= 1e-12, "the disturbed fit differs by " + difference);
        } finally {
            TestSpark.session().sparkContext().removeSparkListener(counter);
        }
    }

    private static SparkCompletion fit(Dataset<Row> observed) {
        return SparkCompletion.of(observed, EquivalenceTest.DIMS).model(CP.shallow().rank(4)).seed(3).learningRate(1e-2)
                .initScale(0.1).maxSteps(20).checkEvery(5).validationFraction(0.1).partitions(3);
    }
}
