package dev.hearth.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's str algorithms where they differ from Java's: what counts as whitespace
 * ({@code str.isspace}), strip/split/splitlines, title/capitalize. Indices are code points, as in
 * Python, not UTF-16 units.
 */
final class PyStrings {

    private PyStrings() { }

    /** Python's str.isspace() for one code point. */
    static boolean isSpace(int c) {
        return switch (c) {
            case ' ', '\t', '\n', '\u000b', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0, 0x1680,
                 0x2028, 0x2029, 0x202f, 0x205f, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200a;
        };
    }

    /** Line boundaries of str.splitlines(). */
    static boolean isLineBreak(int c) {
        return switch (c) {
            case '\n', '\r', 0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029 -> true;
            default -> false;
        };
    }

    private static boolean strips(int c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0 || chars.codePoints().anyMatch(x -> x == c);
    }

    static String strip(String s, String chars) { return rstrip(lstrip(s, chars), chars); }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            if (!strips(c, chars)) break;
            i += Character.charCount(c);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int i = s.length();
        while (i > 0) {
            int c = s.codePointBefore(i);
            if (!strips(c, chars)) break;
            i -= Character.charCount(c);
        }
        return s.substring(0, i);
    }

    /** str.split(sep, maxsplit); sep null means runs of whitespace, dropping empty ends. */
    static List<Object> split(String s, String sep, long maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0, n = s.length();
            while (true) {
                while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
                if (i >= n) break;
                if (maxsplit >= 0 && out.size() >= maxsplit) {
                    out.add(rstrip(s.substring(i), null));
                    break;
                }
                int j = i;
                while (j < n && !isSpace(s.codePointAt(j))) j += Character.charCount(s.codePointAt(j));
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) throw new TemplateException(TemplateException.Kind.TYPE, "empty separator");
        int start = 0;
        while (maxsplit < 0 || out.size() < maxsplit) {
            int k = s.indexOf(sep, start);
            if (k < 0) break;
            out.add(s.substring(start, k));
            start = k + sep.length();
        }
        out.add(s.substring(start));
        return out;
    }

    /** str.rsplit(sep, maxsplit). */
    static List<Object> rsplit(String s, String sep, long maxsplit) {
        if (maxsplit < 0) return split(s, sep, -1);
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int j = s.length();
            while (true) {
                while (j > 0 && isSpace(s.codePointBefore(j))) j -= Character.charCount(s.codePointBefore(j));
                if (j <= 0) break;
                if (out.size() >= maxsplit) {
                    out.addFirst(lstrip(s.substring(0, j), null));
                    break;
                }
                int i = j;
                while (i > 0 && !isSpace(s.codePointBefore(i))) i -= Character.charCount(s.codePointBefore(i));
                out.addFirst(s.substring(i, j));
                j = i;
            }
            return out;
        }
        if (sep.isEmpty()) throw new TemplateException(TemplateException.Kind.TYPE, "empty separator");
        int end = s.length();
        while (out.size() < maxsplit) {
            int k = s.lastIndexOf(sep, end - sep.length());
            if (k < 0) break;
            out.addFirst(s.substring(k + sep.length(), end));
            end = k;
        }
        out.addFirst(s.substring(0, end));
        return out;
    }

    /** str.splitlines(keepends). */
    static List<Object> splitlines(String s, boolean keepends) {
        List<Object> out = new ArrayList<>();
        int i = 0, start = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (!isLineBreak(c)) { i++; continue; }
            int eol = i + ((c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') ? 2 : 1);
            out.add(s.substring(start, keepends ? eol : i));
            i = start = eol;
        }
        if (start < n) out.add(s.substring(start));
        return out;
    }

    /** str.title(): a cased letter is upper-cased when it follows an uncased character. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            boolean cased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
            if (cased) {
                sb.appendCodePoint(prevCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            } else {
                sb.appendCodePoint(c);
            }
            prevCased = cased;
        }
        return sb.toString();
    }

    /** str.capitalize(): first character title-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int first = s.codePointAt(0);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(Character.charCount(first)).toLowerCase(java.util.Locale.ROOT)).toString();
    }

    static String upper(String s) { return s.toUpperCase(java.util.Locale.ROOT); }

    static String lower(String s) { return s.toLowerCase(java.util.Locale.ROOT); }

    /** Number of code points: Python's len(str). */
    static int length(String s) { return s.codePointCount(0, s.length()); }

    static int[] codePoints(String s) { return s.codePoints().toArray(); }

    static String fromCodePoints(int[] cps, int from, int to) { return new String(cps, from, to - from); }

    /** str.replace(old, new, count) with Python's rule for an empty old string. */
    static String replace(String s, String old, String rep, long count) {
        if (count < 0) count = Long.MAX_VALUE;
        StringBuilder sb = new StringBuilder();
        if (old.isEmpty()) {
            int[] cps = codePoints(s);
            long done = 0;
            for (int cp : cps) {
                if (done < count) { sb.append(rep); done++; }
                sb.appendCodePoint(cp);
            }
            if (done < count) sb.append(rep);
            return sb.toString();
        }
        int start = 0;
        long done = 0;
        while (done < count) {
            int k = s.indexOf(old, start);
            if (k < 0) break;
            sb.append(s, start, k).append(rep);
            start = k + old.length();
            done++;
        }
        return sb.append(s.substring(start)).toString();
    }

    /** Python's codepoint-wise string ordering. */
    static int compare(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
