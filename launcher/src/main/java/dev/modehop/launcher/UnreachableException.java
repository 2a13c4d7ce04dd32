package dev.modehop.launcher;

/**
 * Kafka or the schema registry did not answer within {@link Connection#REACH_TIMEOUT_SECONDS}: exit code 2,
 * like any input the user can fix (an address, a service to start), with the address and what to check.
 */
final class UnreachableException extends UserInputException {
    UnreachableException(String message) {
        super(message);
    }
}
