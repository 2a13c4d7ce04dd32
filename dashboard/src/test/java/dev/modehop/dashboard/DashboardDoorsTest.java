package dev.modehop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's doors over real HTTP: reads need a token once one is configured, only allowed Host names are
 * answered (DNS rebinding), control from another site's page is refused, and the default bind is loopback.
 * Raw sockets, since an HTTP client library will not send a forged Host header.
 */
class DashboardDoorsTest {
    static DashboardServer dashboard;

    @BeforeAll
    static void start() throws IOException {
        int nothing;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothing = s.getLocalPort();
        }
        dashboard = DashboardServer.start(DashboardSettings
                .builder("127.0.0.1:" + nothing, "http://127.0.0.1:" + nothing).controlToken("steer")
                .readToken("look").allowedHosts(List.of("dash.internal")).build());
    }

    @AfterAll
    static void stop() {
        dashboard.close();
    }

    @Test
    void theDefaultBindIsLoopback() {
        assertEquals("127.0.0.1", DashboardSettings.of("k:9092", "http://r").host());
        assertTrue(dashboard.url().startsWith("http://127.0.0.1:"), dashboard.url());
    }

    @Test
    void withATokenConfiguredReadsNeedOne() throws IOException {
        String host = "127.0.0.1:" + dashboard.port();
        assertEquals(200, status("GET", "/", host, null, null), "the page itself holds no data");
        assertEquals(200, status("GET", "/api/info", host, null, null), "info says a token is needed");
        for (String path : new String[] {"/api/runs", "/api/runs/r", "/api/status", "/api/events",
                "/api/runs/r/checkpoints/1"}) {
            assertEquals(401, status("GET", path, host, null, null), path);
            assertEquals(401, status("GET", path, host, "nope", null), path);
        }
        assertEquals(200, status("GET", "/api/runs", host, "look", null), "the read token reads");
        assertEquals(200, status("GET", "/api/runs", host, "steer", null), "the control token reads too");
        assertEquals(404, status("GET", "/api/runs/r", host, "look", null));
    }

    @Test
    void onlyAllowedHostNamesAreAnswered() throws IOException {
        int port = dashboard.port();
        for (String host : new String[] {"evil.example", "evil.example:" + port, "127.0.0.1.nip.io:" + port}) {
            assertEquals(403, status("GET", "/", host, null, null), host);
            assertEquals(403, status("GET", "/api/runs", host, "look", null), host);
        }
        assertEquals(403, status("GET", "/api/runs", null, "look", null), "no Host at all");
        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "dash.internal"}) {
            assertEquals(200, status("GET", "/api/runs", host, "look", null), host);
        }
    }

    @Test
    void controlFromAnotherSitesPageIsRefusedEvenWithTheToken() throws IOException {
        String host = "127.0.0.1:" + dashboard.port();
        String body = "{\"action\":\"PAUSE\",\"issuedBy\":\"mallory\"}";
        assertEquals(403, status("POST", "/api/runs/r/control", host, "steer", "http://evil.example", body));
        assertEquals(403, status("POST", "/api/runs/r/control", host, "steer", "null", body));
        assertEquals(403, status("POST", "/api/runs/r/control", host, "steer", "http://localhost:1", body));
        // the page's own origin, and scripts that send no Origin, get past this door (then: unknown run)
        assertEquals(404, status("POST", "/api/runs/r/control", host, "steer", "http://" + host, body));
        assertEquals(404, status("POST", "/api/runs/r/control", host, "steer", null, body));
        assertEquals(401, status("POST", "/api/runs/r/control", host, "look", null, body), "reading is not steering");
    }

    private static int status(String method, String path, String host, String token, String origin)
            throws IOException {
        return status(method, path, host, token, origin, null);
    }

    /** Sends one HTTP/1.1 request as written, headers and all, and returns the response's status code. */
    private static int status(String method, String path, String host, String token, String origin, String body)
            throws IOException {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        if (host != null) {
            request.append("Host: ").append(host).append("\r\n");
        }
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (origin != null) {
            request.append("Origin: ").append(origin).append("\r\n");
        }
        request.append("Content-Length: ").append(payload.length).append("\r\nConnection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), dashboard.port()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                statusLine.append((char) c);
            }
            // "HTTP/1.1 200 OK"
            return Integer.parseInt(statusLine.toString().split(" ")[1]);
        }
    }
}
