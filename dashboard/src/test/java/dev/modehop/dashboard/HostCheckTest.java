package dev.modehop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostCheckTest {

    @Test
    void answersTheBoundAddressLocalhostAndListedNamesOnly() {
        HostCheck check = new HostCheck("127.0.0.1", List.of("Dash.Example.org"));
        for (String ok : new String[] {"127.0.0.1:8080", "localhost", "LOCALHOST:8080", "[::1]:8080",
                "dash.example.org", "dash.example.org.:443"}) {
            assertTrue(check.hostAllowed(ok), ok);
        }
        for (String bad : new String[] {"evil.example", "evil.example:8080", "127.0.0.1.evil.example", "",
                "[::1", "localhost.evil"}) {
            assertFalse(check.hostAllowed(bad), bad);
        }
        assertFalse(check.hostAllowed(null), "HTTP/1.0 without Host");
        assertTrue(new HostCheck("10.1.2.3", List.of()).hostAllowed("10.1.2.3:8080"));
        assertFalse(new HostCheck("10.1.2.3", List.of()).hostAllowed("10.1.2.4:8080"));
        assertEquals("::1", HostCheck.hostName("[::1]:80"));
    }

    @Test
    void controlMayComeFromThePagesOwnOriginOrFromNoBrowserPage() {
        HostCheck check = new HostCheck("127.0.0.1", List.of());
        assertTrue(check.sameOrigin(null, "127.0.0.1:8080"), "curl sends no Origin");
        assertTrue(check.sameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertFalse(check.sameOrigin("http://evil.example", "127.0.0.1:8080"));
        assertFalse(check.sameOrigin("http://127.0.0.1:9999", "127.0.0.1:8080"), "another port is another origin");
        assertFalse(check.sameOrigin("null", "127.0.0.1:8080"), "sandboxed frames");
        assertFalse(check.sameOrigin("file://", "127.0.0.1:8080"));
    }
}
