package dev.modehop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one of the e2e/*.mjs scripts (playwright-core driving Debian's headless Chromium) and fails the test
 * unless it prints ALL CHECKS PASSED and exits 0. Skips, with the reason, when Chromium, node or the npm
 * packages are missing: never a silent pass.
 */
final class BrowserCheck {
    private BrowserCheck() {
    }

    static Path e2e() {
        return Path.of("e2e").toAbsolutePath();
    }

    static void assumeBrowser() {
        Path chromium = chromium();
        Assumptions.assumeTrue(Files.isExecutable(chromium), "browser test skipped: no Chromium at " + chromium
                + " (apt-get install -y chromium, or set MODEHOP_CHROMIUM)");
        Assumptions.assumeTrue(Files.isDirectory(e2e().resolve("node_modules/playwright-core")),
                "browser test skipped: run `npm ci` in " + e2e() + " first (playwright-core missing)");
        Assumptions.assumeTrue(nodeRuns(), "browser test skipped: `node` is not on the PATH");
    }

    static Path chromium() {
        return Path.of(System.getenv().getOrDefault("MODEHOP_CHROMIUM", "/usr/bin/chromium"));
    }

    /** Runs the script; each output line goes to {@code onLine} as it comes. Returns every line. */
    static List<String> run(String script, List<String> args, Consumer<String> onLine, int timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(e2e().toFile()).redirectErrorStream(true);
        pb.environment().put("MODEHOP_CHROMIUM", chromium().toString());
        Process browser = pb.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(browser.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    System.out.println("[browser] " + line);
                    onLine.accept(line);
                }
            } catch (IOException e) {
                output.add("reading the browser's output failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        if (!browser.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
            fail("the browser check did not finish in " + timeoutSeconds + " s:\n" + String.join("\n", output));
        }
        reader.join(5000);
        assertEquals(0, browser.exitValue(), "browser check failed:\n" + String.join("\n", output));
        assertTrue(output.contains("ALL CHECKS PASSED"), String.join("\n", output));
        return output;
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
