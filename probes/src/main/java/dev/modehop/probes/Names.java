package dev.modehop.probes;

import java.util.regex.Pattern;

/** Family, task and suite names end up inside record ids ({@code runId/step/family/task}) and file names. */
final class Names {
    static final String PATTERN = "[a-z0-9][a-z0-9._-]*";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private Names() {
    }

    static boolean isValid(String name) {
        return name != null && COMPILED.matcher(name).matches();
    }
}
