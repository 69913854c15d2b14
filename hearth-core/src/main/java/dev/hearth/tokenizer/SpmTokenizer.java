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
    void tokenize(String text, IntList out) {
        char[] s = text.toCharArray(); // array access: no per-character bounds-checked String calls in the hot loops
        int n = text.codePointCount(0, text.length());
        if (n == 0) return;
        int[] start = new int[n], len = new int[n], prev = new int[n], next = new int[n];
        for (int i = 0, pos = 0; i < n; i++) {
            int cp = Character.codePointAt(s, pos);
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
                String sym = new String(s, start[i], len[i]);
                // only single code points can fail to be tokens (merges always make tokens): write their bytes
                for (byte b : utf8(sym)) {
                    int bt = byteTokens[b & 0xFF];
                    out.add(bt >= 0 ? bt : vocab.unk());
                }
            }
        }
    }

    private void tryAddBigram(char[] s, int[] start, int[] len, int left, int right, BigramQueue queue) {
        int id = vocab.id(s, start[left], start[right] + len[right]);
        if (id < 0) return;
        queue.push(left, right, vocab.score(id), len[left] + len[right]);
    }

    /**
     * A priority queue of candidate merges ordered by score (highest first), then by leftmost position
     * (llama.cpp's {@code llm_bigram_spm::comparator}). The heap holds one packed long per entry --
     * order-preserving score bits and the left index -- so sifting touches one array only; the entry's
     * right index and size sit in side arrays, found through a parallel array of entry numbers.
     */
    static final class BigramQueue {
        private long[] keys;
        private int[] entryOf;
        private int[] rights, sizes;
        private int count, heapSize;

        BigramQueue(int capacity) {
            int c = Math.max(8, capacity * 2);
            keys = new long[c]; entryOf = new int[c]; rights = new int[c]; sizes = new int[c];
        }

        boolean isEmpty() { return heapSize == 0; }
        int left(int e) { return leftOf[e]; }
        int right(int e) { return rights[e]; }
        int size(int e) { return sizes[e]; }

        private int[] leftOf = new int[0];

        void push(int left, int right, float score, int size) {
            if (count == rights.length) {
                int c = count * 2;
                rights = java.util.Arrays.copyOf(rights, c);
                sizes = java.util.Arrays.copyOf(sizes, c);
                keys = java.util.Arrays.copyOf(keys, c);
                entryOf = java.util.Arrays.copyOf(entryOf, c);
            }
            if (leftOf.length < rights.length) leftOf = java.util.Arrays.copyOf(leftOf, rights.length);
            int e = count++;
            leftOf[e] = left; rights[e] = right; sizes[e] = size;
            long key = key(score, left);
            int i = heapSize++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (keys[parent] <= key) break;
                keys[i] = keys[parent];
                entryOf[i] = entryOf[parent];
                i = parent;
            }
            keys[i] = key;
            entryOf[i] = e;
        }

        int pop() {
            int top = entryOf[0];
            int last = --heapSize;
            long key = keys[last];
            int entry = entryOf[last];
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= heapSize) break;
                int r = l + 1;
                int c = r < heapSize && keys[r] < keys[l] ? r : l;
                if (keys[c] >= key) break;
                keys[i] = keys[c];
                entryOf[i] = entryOf[c];
                i = c;
            }
            if (heapSize > 0) {
                keys[i] = key;
                entryOf[i] = entry;
            }
            return top;
        }

        /** Smaller key = popped first: higher score, then smaller left index. */
        static long key(float score, int left) {
            if (score == 0.0f) score = 0.0f; // -0.0 and 0.0 compare equal in llama.cpp
            int bits = Float.floatToIntBits(score);
            int ordered = bits ^ ((bits >> 31) & 0x7FFFFFFF); // signed-int order equals float order
            return ((long) ~ordered << 32) | (left & 0xFFFFFFFFL);
        }
    }
}
