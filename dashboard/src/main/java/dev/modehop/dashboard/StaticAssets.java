package dev.modehop.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** The page's files, read once from the jar. Only these names are served, so no path can escape the folder. */
final class StaticAssets {
    record Asset(String contentType, byte[] body) {
    }

    private static final String ROOT = "/dev/modehop/dashboard/web/";
    private final Map<String, Asset> assets;

    StaticAssets() {
        assets = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/index.html", load("index.html", "text/html; charset=utf-8"),
                "/app.js", load("app.js", "text/javascript; charset=utf-8"),
                "/app.css", load("app.css", "text/css; charset=utf-8"),
                "/favicon.svg", load("favicon.svg", "image/svg+xml"),
                // the chart library, copied from npm into the jar by the build (see the pom)
                "/vendor/uPlot.iife.min.js", load("vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
                "/vendor/uPlot.min.css", load("vendor/uPlot.min.css", "text/css; charset=utf-8"),
                "/vendor/LICENSE", load("vendor/LICENSE", "text/plain; charset=utf-8"));
    }

    Optional<Asset> get(String path) {
        return Optional.ofNullable(assets.get(path));
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset missing from the jar: " + ROOT + name);
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
