package dev.hearth.illume;

/**
 * A failure reported to the user the way Illume reports every failure: the message alone, after an
 * {@code !error} marker on standard output, and exit status 1. The message text follows Illume's
 * (Go's) wording where a user may match on it, e.g. {@code <stdin>:3: !context: wrong number of fields}.
 */
public final class IllumeException extends Exception {
    public IllumeException(String message) {
        super(message, null, false, false);
    }

    /** Prefixes a location the way Illume wraps errors: {@code fmt.Errorf("%s:%d: %w", name, lineno, err)}. */
    public IllumeException at(String source, int lineNumber) {
        return new IllumeException(source + ":" + lineNumber + ": " + getMessage());
    }

    /** Go's wording for a file that cannot be opened: {@code open NAME: no such file or directory}. */
    static IllumeException cannotOpen(String path, java.io.IOException cause) {
        return new IllumeException("open " + path + ": " + GoErrors.describe(cause));
    }
}
