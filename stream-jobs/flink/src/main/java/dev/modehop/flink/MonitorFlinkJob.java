package dev.modehop.flink;

import dev.modehop.core.MonitorConfig;
import dev.modehop.schemas.AvroSerdes;
import dev.modehop.schemas.CoPartitioning;
import dev.modehop.schemas.Topic;
import dev.modehop.schemas.Topics;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableSupplier;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The modehop monitor on Flink: input records (already classified by {@link InputDecoder}) are keyed by
 * run id and run through {@link RunMonitorFunction}; everything it emits, outputs and dead letters alike,
 * goes to one sink. The source and sink come in through the constructor (Kafka in production, in-memory
 * ones in tests); {@link #main} and {@link #runLocal} only wire Kafka to it.
 */
public final class MonitorFlinkJob {
    /** Stable operator ids: savepoints map state by them, so they never change. */
    public static final String SOURCE_UID = "modehop-inputs";
    public static final String MONITOR_UID = "modehop-run-monitor";
    public static final String SINK_UID = "modehop-outputs";
    public static final String JOB_NAME = "modehop monitor";
    /** The kafka-clients version flink-connector-kafka 5.0.0-2.2 is built against (and this module pins). */
    public static final String CONNECTOR_KAFKA_CLIENTS = "4.2.0";

    private final Source<InputRecord, ?, ?> source;
    private final Sink<OutgoingRecord> sink;
    private final JobSettings settings;

    public MonitorFlinkJob(Source<InputRecord, ?, ?> source, Sink<OutgoingRecord> sink, JobSettings settings) {
        this.source = source;
        this.sink = sink;
        this.settings = settings;
    }

    /** Adds the job's dataflow and its checkpointing to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        env.enableCheckpointing(settings.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(settings.checkpointInterval().toMillis() / 2);
        env.getCheckpointConfig().setExternalizedCheckpointRetention(
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        env.fromSource(source, watermarks(settings), "modehop inputs", TypeInformation.of(InputRecord.class))
                .uid(SOURCE_UID)
                .keyBy(InputRecord::routingKey, Types.STRING)
                .process(new RunMonitorFunction(settings.decoder(), settings.monitorConfig(), settings.stateTtl()))
                .returns(OutgoingRecord.class)
                .uid(MONITOR_UID)
                .name("run monitor")
                .sinkTo(sink)
                .uid(SINK_UID)
                .name("modehop outputs");
    }

    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(JOB_NAME);
    }

    /** Event time is producer time; the watermark lags it by the tolerated out-of-orderness. */
    static WatermarkStrategy<InputRecord> watermarks(JobSettings settings) {
        return WatermarkStrategy.<InputRecord>forBoundedOutOfOrderness(settings.outOfOrderness())
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime)
                .withIdleness(settings.idleness());
    }

    /**
     * Reads the three input topics as raw records from the group's committed offsets (earliest for a new
     * group), read_committed so aborted producer transactions are never seen.
     */
    public static KafkaSource<InputRecord> kafkaSource(String bootstrapServers, String groupId, JobSettings settings,
                                                       Properties overrides) {
        InputDecoder decoder = settings.decoder();
        return KafkaSource.<InputRecord>builder()
                .setProperties(overrides)
                .setBootstrapServers(bootstrapServers)
                .setTopics(decoder.topics().inputs().stream().map(Topic::name).toList())
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaInputDeserializer(decoder))
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /**
     * Exactly-once: records are written in Kafka transactions committed with each checkpoint. The prefix
     * must be stable across restarts (so lingering transactions of a crashed attempt are aborted) and
     * unique per job on the cluster.
     *
     * @throws IllegalStateException for EXACTLY_ONCE when the kafka-clients on the classpath cannot run the
     *                               connector's transactional writer (see {@link #exactlyOnceSupported})
     */
    public static KafkaSink<OutgoingRecord> kafkaSink(String bootstrapServers, String transactionalIdPrefix,
                                                      DeliveryGuarantee delivery, Properties overrides) {
        return kafkaSink(bootstrapServers, transactionalIdPrefix, delivery, overrides, new OutgoingRecordSerializer());
    }

    static KafkaSink<OutgoingRecord> kafkaSink(String bootstrapServers, String transactionalIdPrefix,
                                               DeliveryGuarantee delivery, Properties overrides,
                                               KafkaRecordSerializationSchema<OutgoingRecord> serializer) {
        if (delivery == DeliveryGuarantee.EXACTLY_ONCE && !exactlyOnceSupported()) {
            throw new IllegalStateException("EXACTLY_ONCE needs kafka-clients " + CONNECTOR_KAFKA_CLIENTS
                    + " (what flink-connector-kafka 5.0.0-2.2 is built against) but this classpath has "
                    + AppInfoParser.getVersion() + ", which lacks TransactionalRequestResult.await(): run "
                    + "AT_LEAST_ONCE here, or the job jar on a Flink cluster for exactly-once");
        }
        Properties producer = new Properties();
        // Must not exceed the broker's transaction.max.timeout.ms (15 min by default).
        producer.setProperty("transaction.timeout.ms", "900000");
        producer.putAll(overrides);
        return KafkaSink.<OutgoingRecord>builder()
                .setKafkaProducerConfig(producer)
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(delivery)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }

    /**
     * Whether the connector's exactly-once writer can run on the kafka-clients of this classpath: it calls
     * {@code TransactionalRequestResult.await()}, which kafka-clients 4.4.0 removed. Checked up front so
     * that a mismatch fails at job construction with a clear message instead of a {@code NoSuchMethodError}
     * in a sink task at its first flush, followed by endless restarts.
     */
    public static boolean exactlyOnceSupported() {
        try {
            Class.forName("org.apache.kafka.clients.producer.internals.TransactionalRequestResult").getMethod("await");
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    /** The job against Kafka with the default group id and transactional id prefix derived from the topic prefix. */
    public static MonitorFlinkJob onKafka(String bootstrapServers, JobSettings settings, Properties kafkaOverrides) {
        String name = settings.topicPrefix() + "modehop-flink";
        return onKafka(bootstrapServers, settings, kafkaOverrides, new OutgoingRecordSerializer());
    }

    /** As above, with the sink's record serializer given (tests wrap it to inject a failure). */
    static MonitorFlinkJob onKafka(String bootstrapServers, JobSettings settings, Properties kafkaOverrides,
                                   KafkaRecordSerializationSchema<OutgoingRecord> serializer) {
        String name = settings.topicPrefix() + "modehop-flink";
        CoPartitioning.require(bootstrapServers, kafkaOverrides, Topics.inputNames(settings.topicPrefix()));
        return new MonitorFlinkJob(kafkaSource(bootstrapServers, name, settings, kafkaOverrides),
                kafkaSink(bootstrapServers, name, settings.delivery(), kafkaOverrides, serializer), settings);
    }

    /**
     * Runs the job in a local MiniCluster (what {@code modehop flink} calls) and returns at once; cancel the
     * returned client to stop it.
     *
     * <p>EXACTLY_ONCE only works where kafka-clients is the connector's {@value #CONNECTOR_KAFKA_CLIENTS}
     * (this module's tests, the job jar). The launcher's classpath has the project's newer Kafka for its broker
     * and Streams job, so it passes {@link DeliveryGuarantee#AT_LEAST_ONCE}: outputs may then repeat after a
     * failure (every output carries a deterministic id for consumers to dedupe).
     *
     * @param monitorConfig the semantics' settings, built on each task; e.g. {@code MonitorConfig::defaults}
     * @param delivery      EXACTLY_ONCE (fails at once where unsupported, see {@link #exactlyOnceSupported})
     *                      or AT_LEAST_ONCE
     */
    public static JobClient runLocal(String bootstrapServers, String registryUrl, String topicPrefix, int parallelism,
                                     SerializableSupplier<MonitorConfig> monitorConfig, DeliveryGuarantee delivery)
            throws Exception {
        JobSettings settings = JobSettings.builder(topicPrefix, Map.of(AvroSerdes.REGISTRY_URL, registryUrl))
                .monitorConfig(monitorConfig)
                .delivery(delivery).build();
        MonitorFlinkJob job = onKafka(bootstrapServers, settings, new Properties());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                new Configuration());
        return job.start(env);
    }

    /** {@link #runLocal(String, String, String, int, SerializableSupplier, DeliveryGuarantee)} with EXACTLY_ONCE. */
    public static JobClient runLocal(String bootstrapServers, String registryUrl, String topicPrefix, int parallelism,
                                     SerializableSupplier<MonitorConfig> monitorConfig) throws Exception {
        return runLocal(bootstrapServers, registryUrl, topicPrefix, parallelism, monitorConfig,
                DeliveryGuarantee.EXACTLY_ONCE);
    }

    /** EXACTLY_ONCE with {@code MonitorConfig::defaults}. */
    public static JobClient runLocal(String bootstrapServers, String registryUrl, String topicPrefix, int parallelism)
            throws Exception {
        return runLocal(bootstrapServers, registryUrl, topicPrefix, parallelism, MonitorConfig::defaults);
    }

    /** {@code flink run modehop-flink-job.jar --bootstrap HOST:9092 --registry URL ...}: see {@link JobArguments}. */
    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobArguments parsed = JobArguments.parse(args, env.getCheckpointConfig(), System.err);
        onKafka(parsed.bootstrapServers(), parsed.settings(), new Properties()).build(env);
        env.execute(JOB_NAME);
    }
}
