package dev.modehop.probes.gdsuite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the committed python3 scripts of {@code src/test/python} when python3 is on this machine. */
final class PythonScripts {
    static final Path DIR = Path.of("src/test/python");
    static final Path RESOURCES = Path.of("src/test/resources/gdsuite");

    private PythonScripts() {
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The script's stdout; fails when it exits non-zero. */
    static String run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", DIR.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(script + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
