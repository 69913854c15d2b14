package dev.hearth.sampling;

import java.util.Arrays;

/**
 * llama.cpp's infill sampler, for code completion (llama.vim asks for it): ends the fill when
 * end-of-generation is relatively likely, otherwise merges tokens whose text is a prefix of another's
 * into the likelier one and keeps only candidates above 20% (plus EOG tokens).
 */
final class Infill {
    private Infill() { }

    static void apply(Candidates c, TokenTexts texts) {
        c.softmax();
        float pTxt = 0, pEog = 0;
        for (int i = 0; i < c.size; i++) {
            if (texts.isEog(c.ids[i])) pEog += c.probs[i]; else pTxt += c.probs[i];
        }
        if (3 * pEog * c.size > pTxt) {
            // the end is likely enough: keep only the end-of-generation tokens
            int n = 0;
            float sum = 0;
            for (int i = 0; i < c.size; i++) {
                if (!texts.isEog(c.ids[i])) continue;
                sum += c.probs[i];
                move(c, i, n++);
            }
            c.size = n;
            for (int i = 0; i < n; i++) c.probs[i] /= sum;
            c.sorted = false;
            return;
        }
        byte[][] pieces = new byte[c.size][];
        for (int i = 0; i < c.size; i++) pieces[i] = texts.piece(c.ids[i]);
        for (int i0 = 0; i0 < c.size; i0++) {
            for (int i1 = 0; i1 < c.size; i1++) {
                if (c.logits[i0] == Float.NEGATIVE_INFINITY) break;
                if (i0 == i1 || c.logits[i1] == Float.NEGATIVE_INFINITY) continue;
                byte[] a = pieces[i0], b = pieces[i1];
                if (a.length > 0 && a.length <= b.length && Arrays.equals(a, 0, a.length, b, 0, a.length)) {
                    int dst = i0, src = i1;
                    if (c.probs[i1] > c.probs[i0]) { dst = i1; src = i0; }
                    c.probs[dst] += c.probs[src];
                    c.logits[src] = Float.NEGATIVE_INFINITY;
                    c.probs[src] = 0f;
                }
            }
        }
        int n = 0, nonEog = 0;
        float sum = 0;
        for (int i = 0; i < c.size; i++) {
            boolean eog = texts.isEog(c.ids[i]);
            if (c.probs[i] < 0.2f && !eog) continue;
            if (!eog) nonEog++;
            sum += c.probs[i];
            move(c, i, n++);
        }
        if (nonEog == 0) {
            c.size = 1;
            c.ids[0] = texts.endOfText();
            c.logits[0] = 1f;
            c.probs[0] = 1f;
            return;
        }
        c.size = n;
        for (int i = 0; i < n; i++) c.probs[i] /= sum;
        c.sorted = false;
    }

    private static void move(Candidates c, int from, int to) {
        c.ids[to] = c.ids[from];
        c.logits[to] = c.logits[from];
        c.probs[to] = c.probs[from];
    }
}
