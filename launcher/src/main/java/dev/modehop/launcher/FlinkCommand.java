package dev.modehop.launcher;

import dev.modehop.flink.MonitorFlinkJob;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "flink", mixinStandardHelpOptions = true,
        description = {"Runs the detection job on Apache Flink (a local MiniCluster in this process) against an "
                + "existing Kafka and registry, until Ctrl-C: the same semantics as the Kafka Streams job, the "
                + "same topics. Run one engine per topic prefix, not both.",
                "Here the Kafka sink is at-least-once (outputs carry deterministic ids); for exactly-once on a "
                + "Flink cluster, submit the job jar (stream-jobs/flink/README.md)."})
final class FlinkCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Mixin
    MonitorOptions monitor;

    @Option(names = "--parallelism", defaultValue = "1",
            description = "parallel instances of each operator (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new UserInputException("--parallelism must be at least 1, not " + parallelism);
        }
        var config = monitor.supplier();
        connection.topics(); // an unreachable cluster is one line now, not a job failing later
        System.out.println("modehop: starting the Flink job against " + connection.bootstrap + " ...");
        JobClient job = MonitorFlinkJob.runLocal(connection.bootstrap, connection.registry, connection.topicPrefix,
                parallelism, config, DeliveryGuarantee.AT_LEAST_ONCE);
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("modehop: cancelling the Flink job...");
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("modehop: the Flink job did not cancel cleanly: " + e.getMessage());
            }
            stopped.countDown();
        }, "modehop-shutdown"));
        System.out.println("flink job " + job.getJobID() + " running (parallelism " + parallelism
                + ", topic prefix '" + connection.topicPrefix + "'); Ctrl-C to stop.");
        job.getJobExecutionResult().whenComplete((r, e) -> {
            if (e != null) {
                System.err.println("modehop: the Flink job failed: " + e.getMessage());
                failed.set(true);
                stopped.countDown();
            }
        });
        stopped.await();
        return failed.get() ? 1 : 0;
    }
}
