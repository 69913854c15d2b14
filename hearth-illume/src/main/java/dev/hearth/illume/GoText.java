package dev.hearth.illume;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's string helpers with Go's exact notion of white space ({@code unicode.IsSpace}), which differs
 * from Java's: it includes NBSP (U+00A0), NEL (U+0085) and every Zs character, and excludes
 * U+001C–U+001F. Illume trims directive arguments with {@code strings.TrimSpace} and splits
 * {@code !context} lines with {@code strings.Fields}.
 */
final class GoText {
    private GoText() {}

    static boolean isSpace(int c) {
        return switch (c) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    static List<String> fields(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !isSpace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }
}
