package dev.modehop.launcher;

/** The user's input (a file, an option) is wrong: printed as one line, exit code 2. */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }
}
