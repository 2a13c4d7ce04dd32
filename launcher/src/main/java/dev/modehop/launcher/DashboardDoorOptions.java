package dev.modehop.launcher;

import dev.modehop.dashboard.DashboardSettings;
import java.util.List;
import picocli.CommandLine.Option;

/** Who may read the dashboard and under which host names: shared by the commands that serve it. */
final class DashboardDoorOptions {
    @Option(names = "--read-token", descriptionKey = "read.token", defaultValue = "${env:MODEHOP_READ_TOKEN}",
            description = "token that allows reading only (default: $MODEHOP_READ_TOKEN). With a control token, reads "
                    + "need one of the two; without any token reads are open")
    String readToken;

    @Option(names = "--allowed-host", descriptionKey = "dashboard.allowed.hosts", split = ",", defaultValue = "${env:MODEHOP_DASHBOARD_ALLOWED_HOSTS}",
            description = "host names the page may be reached under besides the bound address and localhost, e.g. a "
                    + "reverse proxy's (default: $MODEHOP_DASHBOARD_ALLOWED_HOSTS, comma-separated)")
    List<String> allowedHosts;

    DashboardSettings.Builder applyTo(DashboardSettings.Builder settings) {
        return settings.readToken(readToken).allowedHosts(allowedHosts);
    }
}
