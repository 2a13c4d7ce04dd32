package dev.modehop.launcher;

import dev.modehop.core.MonitorConfig;

/** Starts the embedded stack in a JVM of its own (temp folder under its java.io.tmpdir), for start-failure tests. */
public final class StackStartProbe {
    private StackStartProbe() {
    }

    public static void main(String[] args) {
        try (EmbeddedStack stack = EmbeddedStack.start(null, 0, Integer.parseInt(args[0]), 1, MonitorConfig.defaults())) {
            System.out.println("started");
        } catch (RuntimeException e) {
            System.out.println("failed: " + e.getMessage());
            System.exit(3);
        }
    }
}
