package dev.modehop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.events.ControlAction;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlGateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void withoutATokenEverythingIsReadOnlyAndWithOneOnlyTheExactBearerPasses() {
        ControlGate readOnly = new ControlGate(null);
        assertEquals(ControlGate.Decision.READ_ONLY, readOnly.check("Bearer anything"));
        assertEquals(ControlGate.Decision.READ_ONLY, new ControlGate("  ").check("Bearer   "));

        ControlGate gate = new ControlGate("s3cret");
        assertEquals(ControlGate.Decision.ALLOWED, gate.check("Bearer s3cret"));
        assertEquals(ControlGate.Decision.ALLOWED, gate.check("bearer s3cret"));
        assertEquals(ControlGate.Decision.UNAUTHORIZED, gate.check(null));
        assertEquals(ControlGate.Decision.UNAUTHORIZED, gate.check("Bearer s3cre"));
        assertEquals(ControlGate.Decision.UNAUTHORIZED, gate.check("Basic s3cret"));
        assertEquals(401, ControlGate.Decision.UNAUTHORIZED.httpStatus);
        assertEquals(403, ControlGate.Decision.READ_ONLY.httpStatus);
    }

    @Test
    void readsAreOpenWithoutTokensAndNeedOneAsSoonAsAnyIsConfigured() {
        assertEquals(ControlGate.Decision.ALLOWED, new ControlGate(null, null).checkRead(null));
        ControlGate control = new ControlGate("steer", null);
        assertTrue(control.readsGuarded());
        assertEquals(ControlGate.Decision.UNAUTHORIZED, control.checkRead(null));
        assertEquals(ControlGate.Decision.ALLOWED, control.checkRead("Bearer steer"));
        ControlGate both = new ControlGate("steer", "look");
        assertEquals(ControlGate.Decision.ALLOWED, both.checkRead("Bearer look"));
        assertEquals(ControlGate.Decision.ALLOWED, both.checkRead("Bearer steer"));
        assertEquals(ControlGate.Decision.UNAUTHORIZED, both.checkRead("Bearer lookx"));
        // the read token never steers
        assertEquals(ControlGate.Decision.UNAUTHORIZED, both.check("Bearer look"));
        ControlGate readOnlyGuarded = new ControlGate(null, "look");
        assertTrue(readOnlyGuarded.readOnly() && readOnlyGuarded.readsGuarded());
        assertEquals(ControlGate.Decision.ALLOWED, readOnlyGuarded.checkRead("Bearer look"));
        assertEquals(ControlGate.Decision.READ_ONLY, readOnlyGuarded.check("Bearer look"));
    }

    @Test
    void requestsNeedANameAndAMixtureOnlyWhenAdjusting() throws Exception {
        ControlRequest adjust = ControlRequest.parse(JSON.readTree(
                "{\"action\":\"adjust_mixture\",\"issuedBy\":\" bob \",\"mixture\":{\"icl\":0.9,\"iwl\":0.1}}"), null);
        assertEquals(ControlAction.ADJUST_MIXTURE, adjust.action());
        assertEquals("bob", adjust.issuedBy());
        assertEquals(Map.of("icl", 0.9, "iwl", 0.1), adjust.mixture());
        assertEquals("carol", ControlRequest.parse(JSON.readTree("{\"action\":\"PAUSE\"}"), "carol").issuedBy());

        for (String bad : new String[] {"{\"action\":\"PAUSE\"}", "{\"action\":\"STOP\",\"issuedBy\":\"a\"}",
                "{\"action\":\"ADJUST_MIXTURE\",\"issuedBy\":\"a\"}",
                "{\"action\":\"ADJUST_MIXTURE\",\"issuedBy\":\"a\",\"mixture\":{\"icl\":-1}}",
                "{\"action\":\"PAUSE\",\"issuedBy\":\"a\",\"mixture\":{\"icl\":1}}", "[1]"}) {
            assertThrows(ControlRequest.Invalid.class, () -> ControlRequest.parse(JSON.readTree(bad), null), bad);
        }
    }
}
