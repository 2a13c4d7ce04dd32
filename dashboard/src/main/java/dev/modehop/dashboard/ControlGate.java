package dev.modehop.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Decides whether a request may steer a run. Without a configured token the dashboard is read-only for
 * everyone; with one, the request must carry it as {@code Authorization: Bearer <token>}.
 */
final class ControlGate {
    enum Decision {
        ALLOWED(200),
        READ_ONLY(403),
        UNAUTHORIZED(401);

        final int httpStatus;

        Decision(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    private final byte[] token;

    /** @param token the control token, or null / blank for a read-only dashboard */
    ControlGate(String token) {
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    boolean readOnly() {
        return token == null;
    }

    Decision check(String authorizationHeader) {
        if (token == null) {
            return Decision.READ_ONLY;
        }
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Decision.UNAUTHORIZED;
        }
        byte[] offered = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // constant-time, so response timing does not reveal how much of a guess was right
        return MessageDigest.isEqual(token, offered) ? Decision.ALLOWED : Decision.UNAUTHORIZED;
    }
}
