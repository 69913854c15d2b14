package dev.hearth.tokenizer;

import java.util.List;

/**
 * SentencePiece (BPE-by-score) tokenization as llama.cpp does it ({@code llm_tokenizer_spm_session}):
 * spaces become '▁', a space is prefixed to text that follows BOS or a special token, then adjacent
 * symbols -- starting from single code points -- are merged greedily, highest token score first
 * (ties: leftmost), as long as the merged text is a token. Symbols left that are not tokens are
 * written as byte tokens {@code <0xNN>}.
 */
final class SpmTokenizer extends AbstractTokenizer {
    private final int[] byteTokens = new int[256];

    SpmTokenizer(Vocabulary vocab) {
        super(vocab);
        for (int b = 0; b < 256; b++) {
            int id = vocab.id(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) id = vocab.id(String.valueOf((char) b)); // llama.cpp's fallback: the byte itself
            byteTokens[b] = id;
        }
    }

    @Override
    void encodeFragments(String text, List<SpecialTokenPartitioner.Fragment> fragments, boolean addSpecial, IntList out) {
        boolean prevSpecial = true; // the first text gets the space prefix too
        if (addSpecial && vocab.addBos()) {
            if (vocab.bos() < 0) throw new IllegalStateException("vocabulary asks for BOS but has no BOS token");
            out.add(vocab.bos());
        }
        for (SpecialTokenPartitioner.Fragment f : fragments) {
            if (f.isText()) {
                String raw = text.substring(f.start(), f.end());
                String s = vocab.addSpacePrefix() && prevSpecial ? " " + raw : raw;
                tokenize(s.replace(' ', '\u2581'), out);
                prevSpecial = false;
            } else {
                out.add(f.token());
                prevSpecial = true;
            }
        }
        if (addSpecial && vocab.addEos()) {
            if (vocab.eos() < 0) throw new IllegalStateException("vocabulary asks for EOS but has no EOS token");
            out.add(vocab.eos());
        }
    }

    /** Merges within one escaped fragment. Symbols are code point spans [start, start+len) of {@code s}. */
    void tokenize(String s, IntList out) {
        int n = s.codePointCount(0, s.length());
        if (n == 0) return;
        int[] start = new int[n], len = new int[n], prev = new int[n], next = new int[n];
        for (int i = 0, pos = 0; i < n; i++) {
            int cp = s.codePointAt(pos);
            start[i] = pos;
            len[i] = Character.charCount(cp);
            pos += len[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        BigramQueue queue = new BigramQueue(n);
        for (int i = 1; i < n; i++) tryAddBigram(s, start, len, i - 1, i, queue);

        while (!queue.isEmpty()) {
            int e = queue.pop();
            int left = queue.left(e), right = queue.right(e);
            // skip bigrams whose symbols have changed since they were queued
            if (len[left] == 0 || len[right] == 0 || len[left] + len[right] != queue.size(e)) continue;
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            if (prev[left] >= 0) tryAddBigram(s, start, len, prev[left], left, queue);
            if (next[left] >= 0) tryAddBigram(s, start, len, left, next[left], queue);
        }

        for (int i = 0; i != -1; i = next[i]) {
            int id = vocab.id(s, start[i], start[i] + len[i]);
            if (id >= 0) {
                out.add(id);
            } else {
                String sym = s.substring(start[i], start[i] + len[i]);
                // only single code points can fail to be tokens (merges always make tokens): write their bytes
                for (byte b : utf8(sym)) {
                    int bt = byteTokens[b & 0xFF];
                    out.add(bt >= 0 ? bt : vocab.unk());
                }
            }
        }
    }

    private void tryAddBigram(String s, int[] start, int[] len, int left, int right, BigramQueue queue) {
        int id = vocab.id(s, start[left], start[right] + len[right]);
        if (id < 0) return;
        queue.push(left, right, vocab.score(id), len[left] + len[right]);
    }

    /**
     * A max-heap of candidate merges ordered by score, then by leftmost position (llama.cpp's
     * {@code llm_bigram_spm::comparator}). Entries live in parallel arrays; the heap holds entry indices.
     */
    static final class BigramQueue {
        private int[] lefts, rights, sizes, heap;
        private float[] scores;
        private int count, heapSize;

        BigramQueue(int capacity) {
            int c = Math.max(8, capacity * 2);
            lefts = new int[c]; rights = new int[c]; sizes = new int[c]; scores = new float[c]; heap = new int[c];
        }

        boolean isEmpty() { return heapSize == 0; }
        int left(int e) { return lefts[e]; }
        int right(int e) { return rights[e]; }
        int size(int e) { return sizes[e]; }

        void push(int left, int right, float score, int size) {
            if (count == lefts.length) {
                int c = count * 2;
                lefts = java.util.Arrays.copyOf(lefts, c); rights = java.util.Arrays.copyOf(rights, c);
                sizes = java.util.Arrays.copyOf(sizes, c); scores = java.util.Arrays.copyOf(scores, c);
                heap = java.util.Arrays.copyOf(heap, c);
            }
            int e = count++;
            lefts[e] = left; rights[e] = right; scores[e] = score; sizes[e] = size;
            int i = heapSize++;
            heap[i] = e;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!before(heap[i], heap[parent])) break;
                swap(i, parent);
                i = parent;
            }
        }

        int pop() {
            int top = heap[0];
            heap[0] = heap[--heapSize];
            int i = 0;
            while (true) {
                int l = 2 * i + 1, r = l + 1, best = i;
                if (l < heapSize && before(heap[l], heap[best])) best = l;
                if (r < heapSize && before(heap[r], heap[best])) best = r;
                if (best == i) break;
                swap(i, best);
                i = best;
            }
            return top;
        }

        /** Whether entry a comes out before b: higher score, then smaller left index. */
        private boolean before(int a, int b) {
            if (scores[a] != scores[b]) return scores[a] > scores[b];
            return lefts[a] < lefts[b];
        }

        private void swap(int i, int j) {
            int t = heap[i]; heap[i] = heap[j]; heap[j] = t;
        }
    }
}
