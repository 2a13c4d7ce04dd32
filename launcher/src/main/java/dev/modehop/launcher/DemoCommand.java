package dev.modehop.launcher;

import dev.modehop.core.AlertRules;
import dev.modehop.core.MonitorConfig;
import dev.modehop.events.Alert;
import dev.modehop.events.CheckpointRanking;
import dev.modehop.events.ControlCommand;
import dev.modehop.events.HopStability;
import dev.modehop.events.ModeHop;
import dev.modehop.events.ModeObservation;
import dev.modehop.launcher.history.History;
import dev.modehop.launcher.history.HistoryException;
import dev.modehop.launcher.history.HistoryReader;
import dev.modehop.launcher.report.CurvePlot;
import dev.modehop.launcher.report.DemoReport;
import dev.modehop.launcher.report.RunRecord;
import dev.modehop.producers.sdk.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs everything in one JVM: the embedded broker, registry, detection job, a scorer "
                + "worker, the dashboard and a toy pre-training run (a small GPT-NeoX-format transformer trained "
                + "with DJL) whose data windows make it hop between in-context (generalizing) and memorized "
                + "(parrot) answers.",
                "Shows training, hops, verdicts and control commands live and ends with a report, a PNG plot of "
                + "the curves and, with --report, the same as JSON. About a minute on 2 cores.",
                "With --history it replays a recorded history instead (e.g. examples/flipped-hops.csv)."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "0",
            description = "training steps (default: the schedule's 3000; the windows are scaled to fit)")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the toy run (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--no-control", description = "do not steer the run: hops only raise alerts")
    boolean noControl;

    @Option(names = "--headless", description = "no dashboard")
    boolean headless;

    @Option(names = "--dashboard-port", defaultValue = "8080", description = "dashboard port (default: ${DEFAULT-VALUE})")
    int dashboardPort;

    @Option(names = "--report", paramLabel = "FILE", description = "also write the report as JSON")
    Path report;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "modehop-demo.png",
            description = "PNG plot of the curves with hops and windows (default: ${DEFAULT-VALUE})")
    Path plot;

    @Option(names = "--manifest", paramLabel = "FILE",
            description = "also write the data manifest (windows before the flipped family's stable moves toward "
                    + "GENERALIZING), the format 'report data' writes")
    Path manifest;

    @Option(names = "--resume-on", paramLabel = "MANIFEST",
            description = "train the schedule up to --resume-at, then the rest on this data manifest's mixture "
                    + "(its 'icl' share), and report the flipped family's hops per 1,000 steps after it")
    Path resumeOn;

    @Option(names = "--resume-at", paramLabel = "STEP", defaultValue = "1400",
            description = "with --resume-on: the step to resume at (default: ${DEFAULT-VALUE})")
    int resumeAt;

    @Option(names = "--history", paramLabel = "FILE|DIR",
            description = "replay this recorded history instead of training ('example': the bundled one)")
    Path history;

    @Option(names = "--delay-ms", defaultValue = "150",
            description = "with --history: pause between checkpoints (default: ${DEFAULT-VALUE})")
    long delayMs;

    @Override
    public Integer call() throws Exception {
        if (history == null) {
            return toyRun();
        }
        return replay();
    }

    private int toyRun() throws Exception {
        if (steps < 0) {
            throw new UserInputException("--steps must be >= 0");
        }
        double resumeIcl = resumeOn == null ? Double.NaN : manifestIcl(resumeOn);
        RunRecord record = ToyDemo.run(new ToyDemo.Options(seed, steps, !noControl, !headless, dashboardPort, System.out,
                resumeOn == null ? 0 : resumeAt, resumeIcl));
        DemoReport.print(record, System.out);
        if (resumeOn != null) {
            long last = record.families.values().stream().mapToLong(p -> p.isEmpty() ? 0 : p.get(p.size() - 1).step())
                    .max().orElse(0);
            System.out.printf(java.util.Locale.ROOT, "resumed at step %d on icl %.2f: %s hops per 1,000 steps after it: %.2f%n",
                    resumeAt, resumeIcl, ToyDemo.WATCHED_FAMILY,
                    ToyDemo.hopsPer1000(record, ToyDemo.WATCHED_FAMILY, resumeAt, last));
        }
        if (manifest != null && record.dataManifest != null) {
            new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValue(manifest.toFile(), record.dataManifest);
            System.out.println("manifest: " + manifest.toAbsolutePath());
        }
        if (plot != null) {
            CurvePlot.write(record, plot);
            System.out.println("plot:   " + plot.toAbsolutePath());
        }
        if (report != null) {
            DemoReport.writeJson(record, report);
            System.out.println("report: " + report.toAbsolutePath());
        }
        return record.families.isEmpty() ? 1 : 0;
    }

    /** The ICL share of a data manifest's mixture (the toy run's sources are 'icl' and 'iwl'). */
    static double manifestIcl(Path file) {
        Map<?, ?> root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new UserInputException("cannot read the data manifest " + file + ": " + e.getMessage());
        }
        if (!(root.get("mixture") instanceof Map<?, ?> mixture) || !(mixture.get("icl") instanceof Number icl)) {
            throw new UserInputException("data manifest " + file + " has no mixture with an 'icl' share (it selected "
                    + "no window, or is not a toy run's)");
        }
        double total = mixture.values().stream().mapToDouble(v -> v instanceof Number n ? n.doubleValue() : 0).sum();
        return icl.doubleValue() / total;
    }

    private int replay() throws Exception {
        History h = load();
        int checkpoints = h.byStep().size();
        AlertRules rules = AlertRules.parse(resource("examples/rules.txt"));
        MonitorConfig config = MonitorConfig.builder().rules(rules).build();
        long started = System.nanoTime();
        System.out.println("demo: starting the embedded broker, registry and detection job...");
        try (EmbeddedStack stack = EmbeddedStack.start(null, 0, 0, 1, config);
             TopicFollower watcher = new TopicFollower(stack.kafka.bootstrapServers(), stack.topics, DemoCommand::show);
             EventPublisher publisher = new EventPublisher(stack.kafka.bootstrapServers(), Map.of())) {
            System.out.printf("demo: up in %.1f s (kafka %s, registry %s); replaying %d checkpoints of %s%n",
                    (System.nanoTime() - started) / 1e9, stack.kafka.bootstrapServers(), stack.registry.url(),
                    checkpoints, h.source());
            HistoryReplay.publish(h, "demo-run", stack.topics, publisher, delayMs, null);
            long seriesCount = h.points().stream().map(p -> p.series()).distinct().count();
            boolean complete = watcher.await(() -> watcher.received(ModeObservation.class).size() >= checkpoints * seriesCount,
                    Duration.ofSeconds(60));
            Thread.sleep(500);
            System.out.println();
            System.out.println("demo: summary");
            System.out.printf("  checkpoints processed: %d of %d%s%n", watcher.received(ModeObservation.class).size() / seriesCount,
                    checkpoints, complete ? "" : " (timed out waiting)");
            for (ModeHop hop : watcher.received(ModeHop.class)) {
                String verdict = watcher.received(HopStability.class).stream()
                        .filter(v -> v.getHopId().equals(hop.getId())).map(v -> v.getVerdict().name()).findFirst()
                        .orElse("PENDING");
                System.out.printf("  hop %-10s step %5d  %s -> %s  (%.2f -> %.2f)  %s%n", hop.getSeries(), hop.getStep(),
                        hop.getFrom(), hop.getTo(), hop.getBefore(), hop.getAfter(), verdict);
            }
            System.out.printf("  alerts: %d, control commands: %d%n", watcher.received(Alert.class).size(),
                    watcher.received(ControlCommand.class).size());
            var rankings = watcher.received(CheckpointRanking.class);
            if (!rankings.isEmpty()) {
                CheckpointRanking best = rankings.get(rankings.size() - 1);
                System.out.printf("  best checkpoint: step %d (score %.3f)%n", best.getBestStep(), best.getBestScore());
            }
            System.out.printf("demo: done in %.1f s%n", (System.nanoTime() - started) / 1e9);
            return complete ? 0 : 1;
        }
    }

    private History load() {
        try {
            if (history.toString().equals("example")) {
                Path tmp = Files.createTempFile("modehop-example-", ".csv");
                Files.writeString(tmp, resource("examples/flipped-hops.csv"));
                tmp.toFile().deleteOnExit();
                return new History("bundled example flipped-hops.csv", HistoryReader.read(tmp).points());
            }
            return HistoryReader.read(history);
        } catch (HistoryException e) {
            throw new UserInputException(e.getMessage());
        } catch (IOException e) {
            throw new UserInputException("cannot stage the bundled example: " + e.getMessage());
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing bundled resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static void show(Object record) {
        String line = EventLines.of(record);
        if (line != null) {
            System.out.println(line);
        }
    }
}
