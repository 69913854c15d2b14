package dev.hearth.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pre-tokenizer regex without a hand-written splitter, run the way llama.cpp runs it
 * ({@code unicode_regex_split}, src/unicode.cpp): matches and the gaps between them both become pieces.
 * <p>
 * llama.cpp does not evaluate Unicode categories with a Unicode-aware engine. When the regex uses
 * {@code \p{N} \p{L} \p{P} \p{M} \p{S}} (or {@code \p{Lu}}... which all mean "letter" there), it
 * "collapses" the text -- ASCII stays, every other code point becomes one stand-in byte for its
 * category (0xD1 number, 0xD2 letter, 0xD3 punctuation, 0xD4 mark, 0xD5 symbol, 0x0B whitespace,
 * 0xD0 anything else) -- and rewrites each {@code \p{X}} into a class of its stand-in plus the ASCII
 * members. Hearth does the same, so ASCII-only tricks such as Tekken's {@code (?=[\p{L}])([^a-z])}
 * see exactly what they see in llama.cpp. Regexes without categories run on the code points, with
 * non-ASCII whitespace replaced by 0x0B as llama.cpp does for {@code std::wregex}.
 * <p>
 * Java's regex engine is backtracking and leftmost-first like ECMAScript's, and the patterns are kept
 * to constructs both read the same way; {@code $} is rewritten to {@code \z} (ECMAScript's {@code $}
 * without multiline matches only at the end).
 */
final class RegexSplitter implements SplitStep {
    private static final String[][] CATEGORIES = {
            // name, stand-in, ASCII members (llama.cpp k_ucat_enum / k_ucat_cpt / k_ucat_map)
            {"\\p{N}", "\u00D1", "0-9"},
            {"\\p{L}", "\u00D2", "A-Za-z"},
            {"\\p{P}", "\u00D3", "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"},
            {"\\p{M}", "\u00D4", ""},
            {"\\p{S}", "\u00D5", "\\$\\+<->^`\\|\\~"},
            {"\\p{Lu}", "\u00D2", "A-Za-z"},
            {"\\p{Ll}", "\u00D2", "A-Za-z"},
            {"\\p{Lt}", "\u00D2", "A-Za-z"},
            {"\\p{Lm}", "\u00D2", "A-Za-z"},
            {"\\p{Lo}", "\u00D2", "A-Za-z"},
    };

    private final Pattern pattern;
    private final boolean collapsed;

    RegexSplitter(String regex) {
        this.collapsed = usesCategories(regex);
        String translated = collapsed ? collapseRegex(regex) : regex;
        this.pattern = Pattern.compile(endAnchors(translated));
    }

    static boolean usesCategories(String regex) {
        for (String[] c : CATEGORIES) if (regex.contains(c[0])) return true;
        return false;
    }

    /** llama.cpp's regex rewrite: each known {@code \p{X}} becomes its stand-in plus ASCII members, bracketed unless inside [...]. */
    static String collapseRegex(String regex) {
        for (int i = 0; i < regex.length(); i++) {
            if (regex.charAt(i) >= 128) throw new UnsupportedTokenizerException(
                    "pre-tokenizer regex mixes Unicode categories and non-ASCII characters (unsupported, as in llama.cpp): " + regex);
        }
        StringBuilder sb = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char ch = regex.charAt(i);
            if (ch == '[' && (i == 0 || regex.charAt(i - 1) != '\\')) {
                sb.append('[');
                inside = true;
                continue;
            }
            if (inside && ch == ']' && regex.charAt(i - 1) != '\\') {
                sb.append(']');
                inside = false;
                continue;
            }
            if (ch == '\\' && i + 3 < regex.length() && regex.charAt(i + 1) == 'p' && regex.charAt(i + 2) == '{') {
                int close = regex.indexOf('}', i + 3);
                if (close >= 0 && close <= i + 10) {
                    String name = regex.substring(i, close + 1);
                    String[] cat = category(name);
                    if (cat != null) {
                        if (!inside) sb.append('[');
                        sb.append(cat[1]).append(cat[2]);
                        if (!inside) sb.append(']');
                        i = close;
                        continue;
                    }
                }
            }
            sb.append(ch);
        }
        return sb.toString();
    }

    private static String[] category(String name) {
        for (String[] c : CATEGORIES) if (c[0].equals(name)) return c;
        return null;
    }

    /** Rewrites an unescaped {@code $} outside brackets to {@code \z}. */
    private static String endAnchors(String regex) {
        StringBuilder sb = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char ch = regex.charAt(i);
            if (ch == '\\' && i + 1 < regex.length()) {
                sb.append(ch).append(regex.charAt(++i));
                continue;
            }
            if (ch == '[') inside = true;
            else if (ch == ']') inside = false;
            if (ch == '$' && !inside) sb.append("\\z");
            else sb.append(ch);
        }
        return sb.toString();
    }

    /** One char per code point: the category stand-ins (llama.cpp's {@code text_collapsed}). */
    static char collapse(int cp) {
        if (cp < 128) return (char) cp;
        int f = UnicodeFlags.of(cp);
        if ((f & UnicodeFlags.WHITESPACE) != 0) return 0x0B;
        return switch (f & UnicodeFlags.MASK_CATEGORIES) {
            case UnicodeFlags.NUMBER -> '\u00D1';
            case UnicodeFlags.LETTER -> '\u00D2';
            case UnicodeFlags.PUNCTUATION -> '\u00D3';
            case UnicodeFlags.ACCENT_MARK -> '\u00D4';
            case UnicodeFlags.SYMBOL -> '\u00D5';
            default -> '\u00D0';
        };
    }

    /** Stack for re-running a match that overflowed the caller's stack (virtual memory; touched only as used). */
    private static final long DEEP_STACK_BYTES = 1L << 30;

    /**
     * Java's regex engine recurses per repetition of some groups (e.g. EXAONE-MoE's
     * {@code (?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+}), so a very long word can overflow the stack. The split is then
     * redone on a thread with a large stack rather than failing.
     */
    @Override
    public void split(int[] cps, IntList pieces, IntList out) {
        int mark = out.size();
        try {
            splitOnThisStack(cps, pieces, out);
        } catch (StackOverflowError e) {
            out.truncate(mark);
            Throwable[] failure = new Throwable[1];
            Thread t = new Thread(null, () -> {
                try {
                    splitOnThisStack(cps, pieces, out);
                } catch (Throwable x) {
                    failure[0] = x;
                }
            }, "hearth-regex-deep-stack", DEEP_STACK_BYTES);
            t.start();
            try {
                t.join();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pre-tokenizing", ie);
            }
            if (failure[0] instanceof StackOverflowError) {
                throw new IllegalStateException("pre-tokenizer regex too deep for this text (" + cps.length + " code points): " + pattern.pattern());
            } else if (failure[0] instanceof RuntimeException re) {
                throw re;
            } else if (failure[0] != null) {
                throw new IllegalStateException(failure[0]);
            }
        }
    }

    private void splitOnThisStack(int[] cps, IntList pieces, IntList out) {
        // The subject text and, for the code point form, where each code point starts in it.
        String text;
        int[] cpToChar = null;
        if (collapsed) {
            char[] chars = new char[cps.length];
            for (int i = 0; i < cps.length; i++) chars[i] = collapse(cps[i]);
            text = new String(chars);
        } else {
            StringBuilder sb = new StringBuilder(cps.length + 16);
            cpToChar = new int[cps.length + 1];
            for (int i = 0; i < cps.length; i++) {
                cpToChar[i] = sb.length();
                int cp = cps[i];
                sb.appendCodePoint(cp > 0x7F && (UnicodeFlags.of(cp) & UnicodeFlags.WHITESPACE) != 0 ? 0x0B : cp);
            }
            cpToChar[cps.length] = sb.length();
            text = sb.toString();
        }
        Matcher m = pattern.matcher(text);
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            int len = pieces.get(p);
            if (len == 0) continue;
            int from = collapsed ? start : cpToChar[start];
            int to = collapsed ? start + len : cpToChar[start + len];
            m.region(from, to);
            int last = start; // in code points
            while (m.find()) {
                int ms = toCp(m.start(), cpToChar, last);
                int me = toCp(m.end(), cpToChar, ms);
                if (ms > last) out.add(ms - last);
                if (me > ms) out.add(me - ms); // llama.cpp keeps empty matches as empty pieces; they produce no tokens
                last = me;
            }
            if (last < start + len) out.add(start + len - last);
            start += len;
        }
    }

    /** Char index to code point index (identity for the collapsed form); searches forward from {@code hint}. */
    private static int toCp(int charIndex, int[] cpToChar, int hint) {
        if (cpToChar == null) return charIndex;
        int i = hint;
        while (cpToChar[i] < charIndex) i++;
        return i;
    }
}
