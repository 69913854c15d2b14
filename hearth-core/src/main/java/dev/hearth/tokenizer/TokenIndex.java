package dev.hearth.tokenizer;

/**
 * Token text → id, looked up by a character range of any string without creating a substring.
 * BPE setup looks up both halves of every merge rule and their concatenation (Llama 3: 280 000 rules),
 * SPM looks up every candidate bigram; a {@code HashMap<String,Integer>} needs a new String per lookup.
 * Open addressing over ids, with each slot's hash kept beside it; hashes are {@link String#hashCode}'s.
 * When several ids have the same text the last one wins, as in llama.cpp's {@code token_to_id}.
 */
final class TokenIndex {
    private final String[] texts;
    private final int[] ids;    // id + 1; 0 marks an empty slot
    private final int[] hashes;
    private final int mask;

    TokenIndex(String[] texts) {
        this.texts = texts;
        int cap = Integer.highestOneBit(Math.max(16, texts.length * 2 - 1)) << 1;
        ids = new int[cap];
        hashes = new int[cap];
        mask = cap - 1;
        for (int id = 0; id < texts.length; id++) {
            String t = texts[id];
            int h = t.hashCode();
            int i = spread(h) & mask;
            while (ids[i] != 0) {
                if (hashes[i] == h && texts[ids[i] - 1].equals(t)) break; // duplicate text: replace
                i = (i + 1) & mask;
            }
            ids[i] = id + 1;
            hashes[i] = h;
        }
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }

    /** The id of {@code text}, or -1. */
    int find(String text) {
        return find(text, 0, text.length());
    }

    /** The id of {@code s[from, to)}, or -1. */
    int find(String s, int from, int to) {
        int h = 0;
        for (int k = from; k < to; k++) h = 31 * h + s.charAt(k);
        int len = to - from;
        for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
            int e = ids[i];
            if (e == 0) return -1;
            if (hashes[i] == h) {
                String t = texts[e - 1];
                if (t.length() == len && t.regionMatches(0, s, from, len)) return e - 1;
            }
        }
    }

    /** The id of {@code chars[from, to)}, or -1 (for callers that hold text as an array, such as SPM). */
    int find(char[] chars, int from, int to) {
        int h = 0;
        for (int k = from; k < to; k++) h = 31 * h + chars[k];
        int len = to - from;
        for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
            int e = ids[i];
            if (e == 0) return -1;
            if (hashes[i] == h) {
                String t = texts[e - 1];
                if (t.length() == len && sameChars(t, chars, from, len)) return e - 1;
            }
        }
    }

    private static boolean sameChars(String t, char[] chars, int from, int len) {
        for (int k = 0; k < len; k++) if (t.charAt(k) != chars[from + k]) return false;
        return true;
    }

    /** The id of the concatenation {@code s[aFrom, aTo) + s[bFrom, bTo)}, or -1. */
    int findConcat(String s, int aFrom, int aTo, int bFrom, int bTo) {
        int h = 0;
        for (int k = aFrom; k < aTo; k++) h = 31 * h + s.charAt(k);
        for (int k = bFrom; k < bTo; k++) h = 31 * h + s.charAt(k);
        int aLen = aTo - aFrom, bLen = bTo - bFrom;
        for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
            int e = ids[i];
            if (e == 0) return -1;
            if (hashes[i] == h) {
                String t = texts[e - 1];
                if (t.length() == aLen + bLen && t.regionMatches(0, s, aFrom, aLen) && t.regionMatches(aLen, s, bFrom, bLen)) return e - 1;
            }
        }
    }
}
