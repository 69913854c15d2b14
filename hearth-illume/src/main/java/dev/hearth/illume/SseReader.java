package dev.hearth.illume;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the payloads of server-sent events the way Illume does: line by line (LF, with a CR before
 * it dropped), keeping only lines that start with {@code data: } (the space is required), and
 * ending at {@code data: [DONE]} or at the end of the stream. Like Go's {@code bufio.Scanner}, a
 * line longer than 64 KiB is an error ({@code bufio.Scanner: token too long}).
 */
final class SseReader {
    static final int MAX_LINE = 64 * 1024;
    private static final String DATA = "data: ";

    private final InputStream in;
    private boolean done;

    SseReader(InputStream in) {
        this.in = in;
    }

    /** The next event's payload, or null when the stream is over. */
    String next() throws IOException, IllumeException {
        while (!done) {
            String line = readLine();
            if (line == null) {
                done = true;
                return null;
            }
            if (!line.startsWith(DATA)) {
                continue;
            }
            String payload = line.substring(DATA.length());
            if (payload.equals("[DONE]")) {
                done = true;
                return null;
            }
            return payload;
        }
        return null;
    }

    private String readLine() throws IOException, IllumeException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                break;
            }
            line.write(b);
            if (line.size() > MAX_LINE) {
                throw new IllumeException("bufio.Scanner: token too long");
            }
        }
        if (!any) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
