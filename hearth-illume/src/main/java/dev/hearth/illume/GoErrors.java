package dev.hearth.illume;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Maps Java I/O failures to the errno strings Go prints, so messages read like Illume's. */
final class GoErrors {
    private GoErrors() {}

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException || e instanceof java.io.FileNotFoundException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        String message = e.getMessage();
        if (message != null && message.contains("Is a directory")) {
            return "is a directory";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
