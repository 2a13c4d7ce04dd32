package dev.modehop.launcher;

import dev.modehop.ops.ServiceConfig;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults of a service command from ServiceConfig: an option whose {@code descriptionKey} is a
 * ServiceConfig key takes that key's value when the environment or the settings file
 * ({@code $MODEHOP_CONFIG_FILE}) sets it; otherwise the option's own default applies. So
 * {@code dashboard.port=8000} in the file and {@code MODEHOP_DASHBOARD_PORT=8000} mean the same, as for
 * every other service.
 */
public final class ServiceConfigDefaults implements IDefaultValueProvider {
    private ServiceConfig config;

    /** What picocli instantiates: the process environment and the file it names, loaded on first use. */
    public ServiceConfigDefaults() {
    }

    ServiceConfigDefaults(ServiceConfig config) {
        this.config = config;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || option.descriptionKey().isEmpty()) {
            return null;
        }
        String key = option.descriptionKey();
        String source = config().sourceOf(key);
        if (source.equals("default") || source.equals("unset")) {
            return null;
        }
        return config().get(key).orElse(null);
    }

    private ServiceConfig config() {
        if (config == null) {
            config = ServiceCommands.load(null);
        }
        return config;
    }
}
