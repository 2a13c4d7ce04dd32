package dev.modehop.launcher;

import dev.modehop.core.AlertRules;
import dev.modehop.core.MonitorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.util.function.SerializableSupplier;
import picocli.CommandLine.Option;

/** Detection settings shared by the commands that run the monitor. */
public final class MonitorOptions {
    // Defaults come from core's MonitorConfig, the one place they are written (picocli shows the initial value).
    @Option(names = "--stability-checkpoints", paramLabel = "K",
            description = "checkpoints after a hop that judge it STABLE or TRANSIENT (default: ${DEFAULT-VALUE})")
    int stabilityCheckpoints = MonitorConfig.defaults().stabilityCheckpoints();

    @Option(names = "--missing-timeout", paramLabel = "SECONDS",
            description = "how long to wait for an announced checkpoint's scores before skipping it (default: ${DEFAULT-VALUE})")
    long missingTimeoutSeconds = MonitorConfig.defaults().missingScoreTimeoutMs() / 1000;

    @Option(names = "--rules", paramLabel = "FILE", description = "alert and control rules (see README: 'Rules')")
    Path rules;

    public MonitorConfig config() {
        return checked(stabilityCheckpoints, missingTimeoutSeconds, parsedRules(rulesText()));
    }

    /** The settings, or the option that is out of range as a user error (before anything starts). */
    private static MonitorConfig checked(int stabilityCheckpoints, long missingTimeoutSeconds, AlertRules rules) {
        if (missingTimeoutSeconds < 1) {
            throw new UserInputException("--missing-timeout must be >= 1 second, got " + missingTimeoutSeconds);
        }
        try {
            return build(stabilityCheckpoints, missingTimeoutSeconds, rules);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage().replace("stabilityCheckpoints", "--stability-checkpoints"));
        }
    }

    /**
     * The same settings as a supplier that can travel to Flink's task managers (which build the config
     * themselves): it carries the rules' text, checked here first so that a bad file fails at once.
     */
    public SerializableSupplier<MonitorConfig> supplier() {
        String text = rulesText();
        checked(stabilityCheckpoints, missingTimeoutSeconds, parsedRules(text));
        int k = stabilityCheckpoints;
        long timeout = missingTimeoutSeconds;
        return () -> build(k, timeout, AlertRules.parse(text));
    }

    private String rulesText() {
        if (rules == null) {
            return "";
        }
        try {
            return Files.readString(rules);
        } catch (IOException e) {
            throw new UserInputException("cannot read rules file " + rules + ": " + e.getMessage());
        }
    }

    private AlertRules parsedRules(String text) {
        try {
            return AlertRules.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("rules file " + rules + ": " + e.getMessage());
        }
    }

    private static MonitorConfig build(int stabilityCheckpoints, long missingTimeoutSeconds, AlertRules rules) {
        return MonitorConfig.builder().stabilityCheckpoints(stabilityCheckpoints)
                .missingScoreTimeoutMs(missingTimeoutSeconds * 1000).rules(rules).build();
    }
}
