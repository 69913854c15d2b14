package dev.hearth.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE as llama.cpp does it ({@code llm_tokenizer_bpe_session}): the pre-tokenizer cuts text
 * into words, each word's UTF-8 bytes are mapped through GPT-2's byte-to-unicode table, and adjacent
 * symbols are merged lowest merge rank first (ties: leftmost) until no pair of the word is a merge.
 * <p>
 * Speed: symbols are token ids and the merge table is keyed on the pair of ids (an open-addressing
 * long→long map), candidate merges sit in a heap of packed longs, and results are cached per distinct
 * word -- tokenization is a pure function of the word, so the cache changes nothing but time.
 */
final class BpeTokenizer extends AbstractTokenizer {
    private static final int WORD_CACHE_LIMIT = 1 << 16; // distinct words; cleared when full

    private final PreTokenizer preTokenizer;
    private final boolean byteEncode;
    private final boolean gemma4Newlines;
    private final int vocabSize;
    /** Texts that occur in merges but are not tokens get ids from vocabSize upwards, so every symbol is an int. */
    private final Map<String, Integer> extraIds = new HashMap<>();
    private final PairMap merges;
    /** Symbol id of each byte's GPT-2 character (byte-encoded vocabularies). */
    private final int[] byteSymbol = new int[256];
    /** Token for a lone byte when a symbol is not a token (llama.cpp's fallback); -1 if none. */
    private final int[] byteFallback = new int[256];
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    BpeTokenizer(Vocabulary vocab) {
        super(vocab);
        this.preTokenizer = new PreTokenizer(vocab.preTokenizer());
        this.byteEncode = vocab.preTokenizer().byteEncode;
        this.gemma4Newlines = vocab.preTokenizer() == PreTokenizerType.GEMMA4;
        this.vocabSize = vocab.size();

        String[] mergeLines = vocab.merges();
        this.merges = new PairMap(mergeLines.length);
        // Resolving the ids of each rule's halves and result is most of the setup time and is read-only
        // on the vocabulary, so it runs in parallel; the table is then filled in rank order.
        int n = mergeLines.length;
        int[] lefts = new int[n], rights = new int[n], results = new int[n], spaces = new int[n];
        TokenIndex index = vocab.index();
        java.util.stream.IntStream.range(0, n).parallel().forEach(rank -> {
            String line = mergeLines[rank];
            int space = line.indexOf(' ', 1); // as llama.cpp: a merge's left side may itself start with a space
            spaces[rank] = space;
            if (space < 0) return;
            lefts[rank] = index.find(line, 0, space);
            rights[rank] = index.find(line, space + 1, line.length());
            results[rank] = index.findConcat(line, 0, space, space + 1, line.length());
        });
        for (int rank = 0; rank < n; rank++) {
            String line = mergeLines[rank];
            int space = spaces[rank];
            int l, r, result;
            if (space < 0) {
                l = r = result = symbolId(""); // llama.cpp stores such a line as the pair ("", "")
            } else {
                // texts that are not tokens (rare) get extra symbol ids
                l = lefts[rank] >= 0 ? lefts[rank] : symbolId(line.substring(0, space));
                r = rights[rank] >= 0 ? rights[rank] : symbolId(line.substring(space + 1));
                result = results[rank] >= 0 ? results[rank] : symbolId(line.substring(0, space) + line.substring(space + 1));
            }
            merges.putIfAbsent(l, r, rank, result); // the first occurrence of a pair gives its rank
        }
        for (int b = 0; b < 256; b++) {
            byteSymbol[b] = symbolId(String.valueOf(ByteUnicode.encode(b)));
            byteFallback[b] = byteEncode
                    ? (b < 0x80 ? vocab.id(String.valueOf((char) b)) : -1)
                    : vocab.id(String.format("<0x%02X>", b));
        }
    }

    private int symbolId(String text) {
        int id = vocab.id(text);
        if (id >= 0) return id;
        return extraIds.computeIfAbsent(text, t -> vocabSize + extraIds.size());
    }

    @Override
    void encodeFragments(String text, List<SpecialTokenPartitioner.Fragment> fragments, boolean addSpecial, IntList out) {
        if (addSpecial && vocab.addBos()) {
            if (vocab.bos() < 0) throw new IllegalStateException("vocabulary asks for BOS but has no BOS token");
            out.add(vocab.bos());
        }
        for (SpecialTokenPartitioner.Fragment f : fragments) {
            if (f.isText()) {
                if (vocab.escapeWhitespaces()) {
                    String escaped = text.substring(f.start(), f.end()).replace(' ', '\u2581');
                    tokenizeText(escaped, 0, escaped.length(), out);
                } else {
                    tokenizeText(text, f.start(), f.end(), out); // no substring: the text may be megabytes
                }
            } else {
                out.add(f.token());
            }
        }
        if (addSpecial && vocab.addEos()) {
            if (vocab.eos() < 0) throw new IllegalStateException("vocabulary asks for EOS but has no EOS token");
            out.add(vocab.eos());
        }
    }

    private void tokenizeText(String text, int from, int to, IntList out) {
        int[] cps = codePoints(text, from, to);
        int[] words = preTokenizer.split(cps);
        Scratch scratch = new Scratch();
        int start = 0;
        for (int len : words) {
            if (len > 0) {
                String word = new String(cps, start, len);
                int[] ids = wordCache.get(word);
                if (ids == null) {
                    ids = tokenizeWord(cps, start, len, scratch);
                    if (wordCache.size() >= WORD_CACHE_LIMIT) wordCache.clear();
                    wordCache.put(word, ids);
                }
                out.addAll(ids);
            }
            start += len;
        }
    }

    /** Code points of {@code text[from, to)}; unpaired surrogates become U+FFFD, as llama.cpp does for invalid UTF-8. */
    static int[] codePoints(String text, int from, int to) {
        int[] cps = new int[to - from];
        int n = 0;
        for (int i = from; i < to; ) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                cps[n++] = Character.toCodePoint(c, text.charAt(i + 1));
                i += 2;
            } else {
                cps[n++] = Character.isSurrogate(c) ? 0xFFFD : c;
                i++;
            }
        }
        return n == cps.length ? cps : java.util.Arrays.copyOf(cps, n);
    }

    /** Reusable per-call buffers. */
    private static final class Scratch {
        char[] chars = new char[64];
        int[] start = new int[64], len = new int[64], id = new int[64], prev = new int[64], next = new int[64];
        long[] heap = new long[128];

        void ensureSymbols(int n) {
            if (start.length < n) {
                int c = Math.max(n, start.length * 2);
                start = new int[c]; len = new int[c]; id = new int[c]; prev = new int[c]; next = new int[c];
                heap = new long[2 * c];
            }
        }

        void ensureChars(int n) {
            if (chars.length < n) chars = new char[Math.max(n, chars.length * 2)];
        }
    }

    private int[] tokenizeWord(int[] cps, int from, int cpLen, Scratch s) {
        // The word as symbols: one per byte (byte-level) or per code point (SPM-style BPE).
        int n = 0;
        if (byteEncode) {
            s.ensureChars(cpLen * 4);
            s.ensureSymbols(cpLen * 4);
            for (int i = from; i < from + cpLen; i++) n = appendUtf8Symbols(cps[i], s, n);
        } else {
            s.ensureChars(cpLen * 2);
            s.ensureSymbols(cpLen);
            int c = 0;
            for (int i = from; i < from + cpLen; i++) {
                int cp = cps[i];
                s.start[n] = c;
                int k = Character.toChars(cp, s.chars, c);
                s.len[n] = k;
                s.id[n] = symbolOrUnmergeable(new String(s.chars, c, k), n);
                c += k;
                n++;
            }
        }
        int totalChars = s.start[n - 1] + s.len[n - 1];

        if (vocab.ignoreMerges() || gemma4Newlines) {
            String whole = new String(s.chars, 0, totalChars);
            boolean wholeWordAllowed = vocab.ignoreMerges() || whole.chars().allMatch(ch -> ch == '\n');
            int id = wholeWordAllowed ? vocab.id(whole) : -1;
            if (id >= 0) return new int[]{id};
        }

        for (int i = 0; i < n; i++) {
            s.prev[i] = i - 1;
            s.next[i] = i + 1 < n ? i + 1 : -1;
        }
        int heapSize = 0;
        for (int i = 1; i < n; i++) heapSize = pushBigram(s, i - 1, i, heapSize);

        while (heapSize > 0) {
            long[] heap = s.heap;
            long top = heap[0];
            heap[0] = heap[--heapSize];
            siftDown(heap, heapSize, 0);
            int left = (int) top;
            int rank = (int) (top >>> 32);
            if (s.len[left] == 0) continue;
            int right = s.next[left];
            if (right < 0) continue;
            long entry = merges.get(s.id[left], s.id[right]);
            if (entry == PairMap.MISSING || (int) (entry >>> 32) != rank) continue; // stale: a side has changed
            s.id[left] = (int) entry;
            s.len[left] += s.len[right];
            s.len[right] = 0;
            s.next[left] = s.next[right];
            if (s.next[right] >= 0) s.prev[s.next[right]] = left;
            if (s.prev[left] >= 0) heapSize = pushBigram(s, s.prev[left], left, heapSize);
            if (s.next[left] >= 0) heapSize = pushBigram(s, left, s.next[left], heapSize);
        }

        IntList out = new IntList(Math.max(4, n / 2));
        for (int i = 0; i != -1; i = s.next[i]) {
            int id = s.id[i];
            if (id >= 0 && id < vocabSize) {
                out.add(id);
            } else {
                // not a token: llama.cpp falls back to single-byte tokens of the symbol's UTF-8 text
                for (byte b : utf8(new String(s.chars, s.start[i], s.len[i]))) {
                    int t = byteFallback[b & 0xFF];
                    if (t >= 0) out.add(t);
                }
            }
        }
        return out.toArray();
    }

    /** Appends the GPT-2 characters of {@code cp}'s UTF-8 bytes as symbols; returns the new symbol count. */
    private int appendUtf8Symbols(int cp, Scratch s, int n) {
        int c = n == 0 ? 0 : s.start[n - 1] + s.len[n - 1];
        if (cp < 0x80) {
            n = addByteSymbol(cp, s, n, c);
        } else if (cp < 0x800) {
            n = addByteSymbol(0xC0 | (cp >> 6), s, n, c);
            n = addByteSymbol(0x80 | (cp & 0x3F), s, n, c + 1);
        } else if (cp < 0x10000) {
            n = addByteSymbol(0xE0 | (cp >> 12), s, n, c);
            n = addByteSymbol(0x80 | ((cp >> 6) & 0x3F), s, n, c + 1);
            n = addByteSymbol(0x80 | (cp & 0x3F), s, n, c + 2);
        } else {
            n = addByteSymbol(0xF0 | (cp >> 18), s, n, c);
            n = addByteSymbol(0x80 | ((cp >> 12) & 0x3F), s, n, c + 1);
            n = addByteSymbol(0x80 | ((cp >> 6) & 0x3F), s, n, c + 2);
            n = addByteSymbol(0x80 | (cp & 0x3F), s, n, c + 3);
        }
        return n;
    }

    private int addByteSymbol(int b, Scratch s, int n, int c) {
        s.chars[c] = ByteUnicode.encode(b);
        s.start[n] = c;
        s.len[n] = 1;
        s.id[n] = byteSymbol[b];
        return n + 1;
    }

    /** A code point's symbol id; one that is neither a token nor in any merge gets a unique negative id. */
    private int symbolOrUnmergeable(String text, int index) {
        int id = vocab.id(text);
        if (id >= 0) return id;
        Integer extra = extraIds.get(text);
        return extra != null ? extra : -2 - index;
    }

    private int pushBigram(Scratch s, int left, int right, int heapSize) {
        int l = s.id[left], r = s.id[right];
        if (l < 0 || r < 0) return heapSize;
        long entry = merges.get(l, r);
        if (entry == PairMap.MISSING) return heapSize;
        long[] heap = s.heap;
        if (heapSize == heap.length) {
            heap = java.util.Arrays.copyOf(heap, heap.length * 2);
            s.heap = heap;
        }
        // min-heap key: rank, then left index (llama.cpp's llm_bigram_bpe::comparator)
        long key = ((entry >>> 32) << 32) | left;
        int i = heapSize++;
        heap[i] = key;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
        return heapSize;
    }

    private static void siftDown(long[] heap, int size, int i) {
        long key = size > 0 ? heap[i] : 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) break;
            int r = l + 1;
            int c = r < size && heap[r] < heap[l] ? r : l;
            if (heap[c] >= key) break;
            heap[i] = heap[c];
            i = c;
        }
        if (size > 0) heap[i] = key;
    }

    /**
     * Open-addressing map from a pair of symbol ids to (rank &lt;&lt; 32 | merged id). Pairs are stored
     * shifted by one so that 0 can mark an empty slot.
     */
    static final class PairMap {
        static final long MISSING = -1L;
        private final long[] keys;
        private final long[] values;
        private final int mask;

        PairMap(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected + expected / 2)) << 1; // load factor <= 2/3
            keys = new long[cap];
            values = new long[cap];
            mask = cap - 1;
        }

        private static long key(int left, int right) {
            return ((long) (left + 1) << 32) | ((right + 1) & 0xFFFFFFFFL);
        }

        private static int slot(long key, int mask) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29)) & mask;
        }

        void putIfAbsent(int left, int right, int rank, int result) {
            long k = key(left, right);
            int i = slot(k, mask);
            while (keys[i] != 0) {
                if (keys[i] == k) return;
                i = (i + 1) & mask;
            }
            keys[i] = k;
            values[i] = ((long) rank << 32) | (result & 0xFFFFFFFFL);
        }

        long get(int left, int right) {
            long k = key(left, right);
            int i = slot(k, mask);
            while (true) {
                long kk = keys[i];
                if (kk == k) return values[i];
                if (kk == 0) return MISSING;
                i = (i + 1) & mask;
            }
        }
    }
}
