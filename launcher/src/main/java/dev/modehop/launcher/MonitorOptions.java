package dev.modehop.launcher;

import dev.modehop.core.AlertRules;
import dev.modehop.core.MonitorConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Detection settings shared by the commands that run the monitor. */
public final class MonitorOptions {
    @Option(names = "--stability-checkpoints", paramLabel = "K", defaultValue = "2",
            description = "checkpoints after a hop that judge it STABLE or TRANSIENT (default: ${DEFAULT-VALUE})")
    int stabilityCheckpoints;

    @Option(names = "--missing-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "how long to wait for an announced checkpoint's scores before skipping it (default: ${DEFAULT-VALUE})")
    long missingTimeoutSeconds;

    @Option(names = "--rules", paramLabel = "FILE", description = "alert and control rules (see README: 'Rules')")
    Path rules;

    public MonitorConfig config() {
        AlertRules parsed = AlertRules.none();
        if (rules != null) {
            try {
                parsed = AlertRules.load(rules);
            } catch (IOException e) {
                throw new UserInputException("cannot read rules file " + rules + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new UserInputException("rules file " + e.getMessage());
            }
        }
        return MonitorConfig.defaults().withStabilityCheckpoints(stabilityCheckpoints)
                .withMissingScoreTimeoutMs(missingTimeoutSeconds * 1000).withRules(parsed);
    }
}
