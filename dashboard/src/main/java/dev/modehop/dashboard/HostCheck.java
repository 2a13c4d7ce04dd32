package dev.modehop.dashboard;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The dashboard's answer to DNS rebinding and cross-site requests. A page on another site can make a browser
 * talk to 127.0.0.1 under a name it controls; such requests carry that name in {@code Host}, so only names on
 * the allow-list are answered (by default the bound address and the names of this machine's loopback). A
 * control request that a browser sends from another origin carries that origin, and is refused; requests
 * without an {@code Origin} (curl, scripts) are not browser cross-site requests and pass.
 */
final class HostCheck {
    private final Set<String> allowed;

    /**
     * @param bindHost the address the server binds to
     * @param extra    more host names (no port) that may reach it, e.g. the name behind a reverse proxy
     */
    HostCheck(String bindHost, Collection<String> extra) {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        String bind = normalize(bindHost);
        if (bind.equals("0.0.0.0") || bind.equals("::")) {
            // a wildcard bind serves this machine's own names; anything else must be listed explicitly
            try {
                InetAddress local = InetAddress.getLocalHost();
                names.add(normalize(local.getHostName()));
                names.add(normalize(local.getCanonicalHostName()));
                names.add(normalize(local.getHostAddress()));
            } catch (UnknownHostException e) {
                // only the loopback names then
            }
        } else {
            names.add(bind);
        }
        for (String e : extra) {
            if (e != null && !e.isBlank()) {
                names.add(normalize(e));
            }
        }
        this.allowed = Set.copyOf(names);
    }

    Set<String> allowed() {
        return allowed;
    }

    /** Whether a request's {@code Host} header names this dashboard. A missing header (HTTP/1.0) is refused. */
    boolean hostAllowed(String hostHeader) {
        return hostHeader != null && allowed.contains(hostName(hostHeader));
    }

    /** Whether a state-changing request comes from this dashboard's own page (or from no browser page at all). */
    boolean sameOrigin(String originHeader, String hostHeader) {
        if (originHeader == null) {
            return true;
        }
        try {
            URI origin = URI.create(originHeader.trim());
            String authority = origin.getRawAuthority();
            return authority != null && hostHeader != null
                    && authority.toLowerCase(Locale.ROOT).equals(hostHeader.trim().toLowerCase(Locale.ROOT))
                    && ("http".equals(origin.getScheme()) || "https".equals(origin.getScheme()));
        } catch (IllegalArgumentException e) {
            return false; // "null" (sandboxed pages) and garbage
        }
    }

    /** The host part of a Host header: without port, without IPv6 brackets, lower case. */
    static String hostName(String hostHeader) {
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? "" : normalize(h.substring(1, end));
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && h.indexOf(':') == colon) {
            h = h.substring(0, colon);
        }
        return normalize(h);
    }

    private static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }
}
