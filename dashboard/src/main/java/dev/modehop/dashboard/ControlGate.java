package dev.modehop.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Decides who may read and who may steer. Without any token the dashboard is open to read (it binds to loopback
 * by default) and read-only for everyone. A control token makes reads need a token too: the read token when one
 * is configured, or the control token itself, so a dashboard that can steer a run never shows it to strangers.
 * Tokens travel as {@code Authorization: Bearer <token>}.
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

    private final byte[] controlToken;
    private final byte[] readToken;

    /** @param controlToken the control token, or null / blank for a read-only dashboard */
    ControlGate(String controlToken) {
        this(controlToken, null);
    }

    /**
     * @param controlToken the control token, or null / blank for a read-only dashboard
     * @param readToken    a token that allows reading only, or null / blank for none
     */
    ControlGate(String controlToken, String readToken) {
        this.controlToken = bytes(controlToken);
        this.readToken = bytes(readToken);
    }

    boolean readOnly() {
        return controlToken == null;
    }

    /** Whether reads need a token: whenever any token is configured. */
    boolean readsGuarded() {
        return controlToken != null || readToken != null;
    }

    Decision check(String authorizationHeader) {
        if (controlToken == null) {
            return Decision.READ_ONLY;
        }
        return matches(controlToken, authorizationHeader) ? Decision.ALLOWED : Decision.UNAUTHORIZED;
    }

    /** Reads: open without tokens; otherwise the read token or the control token. */
    Decision checkRead(String authorizationHeader) {
        if (!readsGuarded()) {
            return Decision.ALLOWED;
        }
        boolean ok = matches(readToken, authorizationHeader) | matches(controlToken, authorizationHeader);
        return ok ? Decision.ALLOWED : Decision.UNAUTHORIZED;
    }

    private static boolean matches(byte[] token, String authorizationHeader) {
        if (token == null || authorizationHeader == null
                || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] offered = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // constant-time, so response timing does not reveal how much of a guess was right
        return MessageDigest.isEqual(token, offered);
    }

    private static byte[] bytes(String token) {
        return token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }
}
