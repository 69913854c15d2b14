package dev.hearth.sampling;

import java.util.HashMap;
import java.util.Map;

/**
 * DRY ("don't repeat yourself", llama.cpp's dry sampler): when the text just generated repeats an
 * earlier stretch, the token that would continue the repetition is penalised by
 * {@code multiplier × base^(length − allowedLength)}. Repetitions do not extend across sequence
 * breakers; here a token is a breaker when its text contains one of the breaker strings (llama.cpp
 * also matches breakers spanning several tokens, which this does not).
 */
final class Dry {
    private Dry() { }

    static void apply(Candidates c, TokenHistory history, SamplingSettings s, TokenTexts pieces) {
        if (s.dryMultiplier == 0f || s.dryBase < 1f || s.dryPenaltyLastN == 0) return;
        int n = history.size();
        int window = s.dryPenaltyLastN < 0 ? n : Math.min(n, s.dryPenaltyLastN);
        if (window < 2) return;
        int start = n - window;
        boolean[] breaker = new boolean[window];
        for (int i = 0; i < window; i++) breaker[i] = isBreaker(pieces.text(history.get(start + i)), s);
        // for every earlier position j, the repetition length is the common suffix of history[..j] and
        // the whole history; history[j+1] is the token that would repeat what followed
        Map<Integer, Integer> longest = new HashMap<>();
        int last = window - 1;
        if (breaker[last]) return;
        for (int j = last - 1; j >= 0; j--) {
            int len = 0;
            while (j - len >= 0 && !breaker[j - len] && history.get(start + j - len) == history.get(start + last - len) && last - len > j) len++;
            if (len > 0) longest.merge(history.get(start + j + 1), len, Math::max);
        }
        for (int i = 0; i < c.size; i++) {
            Integer len = longest.get(c.ids[i]);
            if (len == null || len < s.dryAllowedLength) continue;
            c.logits[i] -= (float) (s.dryMultiplier * Math.pow(s.dryBase, len - s.dryAllowedLength));
        }
        c.sorted = false;
    }

    private static boolean isBreaker(String piece, SamplingSettings s) {
        for (String b : s.drySequenceBreakers) if (!b.isEmpty() && piece.contains(b)) return true;
        return false;
    }
}
