package dev.hearth.engine;

import java.util.List;

/**
 * Stop-string matching over generated text: where the first complete stop string starts, and how
 * many trailing characters could still become one (those are held back from streaming).
 */
final class StopStrings {
    private final List<String> words;
    private final int longest;

    StopStrings(List<String> words) {
        this.words = words.stream().filter(w -> !w.isEmpty()).toList();
        this.longest = this.words.stream().mapToInt(String::length).max().orElse(0);
    }

    boolean isEmpty() { return words.isEmpty(); }

    int longest() { return longest; }

    /** The earliest complete stop string at or after {@code from}, or null. */
    Match findComplete(CharSequence text, int from) {
        Match best = null;
        String s = text.toString();
        for (String w : words) {
            int i = s.indexOf(w, Math.max(0, from));
            if (i >= 0 && (best == null || i < best.index)) best = new Match(i, w);
        }
        return best;
    }

    /** Length of the longest suffix of {@code text} that is a proper prefix of a stop string. */
    int partialSuffix(CharSequence text) {
        int best = 0;
        int n = text.length();
        for (String w : words) {
            for (int len = Math.min(w.length() - 1, n); len > best; len--) {
                boolean match = true;
                for (int k = 0; k < len && match; k++) match = text.charAt(n - len + k) == w.charAt(k);
                if (match) { best = len; break; }
            }
        }
        return best;
    }

    record Match(int index, String word) { }
}
