package dev.hearth.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Unicode category flags per code point, exactly as llama.cpp classifies them (its
 * {@code unicode_cpt_flags}): the pre-tokenizer regexes ({@code \p{L}}, {@code \p{N}}, {@code \s} ...)
 * must agree with llama.cpp code point for code point, so the table is llama.cpp's own (see the
 * resource {@code unicode-flags.txt} and {@code tools/gen-unicode-flags.py}) rather than
 * {@link Character#getType}, whose Unicode version may differ.
 */
public final class UnicodeFlags {
    public static final int UNDEFINED = 0x0001;
    public static final int NUMBER = 0x0002;      // \p{N}
    public static final int LETTER = 0x0004;      // \p{L}
    public static final int SEPARATOR = 0x0008;   // \p{Z}
    public static final int ACCENT_MARK = 0x0010; // \p{M}
    public static final int PUNCTUATION = 0x0020; // \p{P}
    public static final int SYMBOL = 0x0040;      // \p{S}
    public static final int CONTROL = 0x0080;     // \p{C}
    public static final int MASK_CATEGORIES = 0x00FF;
    public static final int WHITESPACE = 0x0100;  // \s

    public static final int MAX_CODEPOINTS = 0x110000;

    private static final short[] FLAGS = load();

    private UnicodeFlags() {}

    /** The flags of {@code cp}; UNDEFINED for values outside Unicode's range (as llama.cpp). */
    public static int of(int cp) {
        return cp >= 0 && cp < MAX_CODEPOINTS ? FLAGS[cp] : UNDEFINED;
    }

    public static boolean isLetter(int cp) { return (of(cp) & LETTER) != 0; }
    public static boolean isNumber(int cp) { return (of(cp) & NUMBER) != 0; }
    public static boolean isWhitespace(int cp) { return (of(cp) & WHITESPACE) != 0; }

    /** llama.cpp's {@code unicode_cpt_is_han}: the CJK ideograph blocks, used by the Kimi-K2 splitter. */
    public static boolean isHan(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0x2CEB0 && cp <= 0x2EBEF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /**
     * Lower-casing for the contraction rules {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)}. Those only compare
     * the result with ASCII letters, and no non-ASCII code point lower-cases to one of s,t,r,e,v,m,l,d
     * in UnicodeData, so ASCII folding gives the same answers as llama.cpp's full table.
     */
    public static int toLowerForContraction(int cp) {
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    }

    /**
     * Builds the table from the resource. Parsed by hand, byte by byte: this runs once per process before
     * the first tokenization, usually still in the interpreter, where a line reader with split/parseInt
     * cost ~50-100 ms against ~5 ms for this loop.
     */
    private static short[] load() {
        byte[] data;
        try (InputStream in = UnicodeFlags.class.getResourceAsStream("unicode-flags.txt")) {
            if (in == null) throw new IllegalStateException("resource unicode-flags.txt is missing from the jar");
            data = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        short[] flags = new short[MAX_CODEPOINTS];
        int prevStart = -1, prevFlags = UNDEFINED;
        int i = 0, n = data.length;
        while (i < n) {
            byte kind = data[i];
            if (kind != 'R' && kind != 'W') { // comment or blank line
                while (i < n && data[i] != '\n') i++;
                i++;
                continue;
            }
            i += 2; // kind and space
            int cp = 0;
            for (int d; i < n && (d = Character.digit(data[i], 16)) >= 0; i++) cp = cp * 16 + d;
            if (kind == 'R') {
                i++; // space
                int f = 0;
                for (int d; i < n && (d = Character.digit(data[i], 16)) >= 0; i++) f = f * 16 + d;
                if (prevStart >= 0) java.util.Arrays.fill(flags, prevStart, Math.min(cp, MAX_CODEPOINTS), (short) prevFlags);
                prevStart = cp;
                prevFlags = f;
            } else {
                flags[cp] |= WHITESPACE; // whitespace lines follow all ranges
            }
            while (i < n && data[i] != '\n') i++;
            i++;
        }
        return flags;
    }
}
