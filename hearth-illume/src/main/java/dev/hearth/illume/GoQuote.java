package dev.hearth.illume;

/**
 * Go's {@code strconv.Quote}, which Go's URL errors use ({@code Post "URL": …}): printable text
 * as is, {@code "} and {@code \} escaped, control characters as {@code \n}, {@code \t}… or
 * {@code \x00}, an invalid byte (see {@link GoUtf8}) as {@code \xNN}.
 */
final class GoQuote {
    private GoQuote() {}

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0b -> out.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else if (c >= 0xDC80 && c <= 0xDCFF) {
                        out.append(String.format("\\x%02x", c & 0xFF));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
