package dev.hearth.illume;

import java.io.ByteArrayOutputStream;

/**
 * Bytes to text and back the way a Go string holds them: Illume never decodes its input, so an
 * invalid UTF-8 byte stays a byte — printed unchanged by {@code !debug}, and written as
 * {@code \ufffd} (one per byte) by the JSON encoder. Here each invalid byte becomes the lone
 * surrogate {@code U+DC00 + byte}, which valid input can never produce; {@link #encode} turns it back
 * into the byte and {@link GoJson} writes any lone surrogate as the replacement character escape.
 * Validity follows Go's {@code utf8.DecodeRune}: no overlong forms, no surrogates, nothing above
 * U+10FFFF; each byte of a bad sequence is one error.
 */
final class GoUtf8 {
    private GoUtf8() {}

    static String decode(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int width = 0;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                width = 2;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                width = 3;
                lo = b0 == 0xE0 ? 0xA0 : 0x80;
                hi = b0 == 0xED ? 0x9F : 0xBF;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                width = 4;
                lo = b0 == 0xF0 ? 0x90 : 0x80;
                hi = b0 == 0xF4 ? 0x8F : 0xBF;
            }
            boolean valid = width > 0 && i + width <= bytes.length;
            for (int k = 1; valid && k < width; k++) {
                int b = bytes[i + k] & 0xFF;
                valid = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
            }
            if (!valid) {
                out.append((char) (0xDC00 | b0));
                i++;
                continue;
            }
            int cp = b0 & (0xFF >> (width + 1));
            for (int k = 1; k < width; k++) {
                cp = (cp << 6) | (bytes[i + k] & 0x3F);
            }
            out.appendCodePoint(cp);
            i += width;
        }
        return out.toString();
    }

    static byte[] encode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.write(0xF0 | (cp >> 18));
                out.write(0x80 | ((cp >> 12) & 0x3F));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
            } else if (c >= 0xDC80 && c <= 0xDCFF) {
                out.write(c & 0xFF); // an invalid input byte, given back unchanged
            } else if (Character.isSurrogate(c)) {
                out.write(0xEF);
                out.write(0xBF);
                out.write(0xBD);
            } else if (c < 0x80) {
                out.write(c);
            } else if (c < 0x800) {
                out.write(0xC0 | (c >> 6));
                out.write(0x80 | (c & 0x3F));
            } else {
                out.write(0xE0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            }
        }
        return out.toByteArray();
    }
}
