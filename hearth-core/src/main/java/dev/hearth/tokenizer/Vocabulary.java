package dev.hearth.tokenizer;

import dev.hearth.gguf.GgufArray;
import dev.hearth.gguf.GgufFile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tokenizer vocabulary read from GGUF metadata only ({@code tokenizer.ggml.*}), with the defaults,
 * overrides and text-based special-token recognition llama.cpp applies when it loads one
 * ({@code llama_vocab::impl::load}, src/llama-vocab.cpp). Immutable once built.
 */
public final class Vocabulary {
    /** Marks an absent special token (llama.cpp's LLAMA_TOKEN_NULL). */
    public static final int NONE = -1;

    public enum Type { SPM, BPE }

    private final String model;
    private final String pre;
    private final Type type;
    private final PreTokenizerType preType;
    private final String[] tokens;
    private final float[] scores;
    private final int[] attrs;
    private final TokenIndex index;
    private final String[] merges;

    int bos = NONE, eos = NONE, eot = NONE, eom = NONE, unk = NONE, sep = NONE, pad = NONE, mask = NONE;
    int fimPre = NONE, fimSuf = NONE, fimMid = NONE, fimPad = NONE, fimRep = NONE, fimSep = NONE;

    boolean addSpacePrefix, addBos, addEos, addSep, ignoreMerges, cleanSpaces, escapeWhitespaces = true;

    private final int[] eogIds;
    /** Ids of control, user-defined and unknown tokens, longest text first: the order llama.cpp matches them in. */
    private final int[] specialTokensByLength;

    private Vocabulary(GgufFile gguf, String preOverride) {
        this.model = gguf.getString("tokenizer.ggml.model", null);
        if (model == null) throw new UnsupportedTokenizerException(gguf.path() + ": no tokenizer.ggml.model key; the file has no vocabulary");
        String preName = preOverride != null ? preOverride : gguf.getString("tokenizer.ggml.pre", null);

        // Tokenizer family and its default special ids (llama.cpp load(), "determine vocab type").
        switch (model) {
            case "llama" -> { type = Type.SPM; bos = 1; eos = 2; unk = 0; }
            case "gpt2" -> { type = Type.BPE; bos = 11; eos = 11; }
            case "gemma4" -> { type = Type.BPE; preName = "gemma4"; }
            case "bert" -> throw new UnsupportedTokenizerException(
                    "tokenizer.ggml.model = bert (WordPiece) is only used by embedding models, which Hearth does not support yet");
            case "t5" -> throw new UnsupportedTokenizerException("tokenizer.ggml.model = t5 (Unigram, T5-style) is not supported by Hearth");
            case "rwkv" -> throw new UnsupportedTokenizerException("tokenizer.ggml.model = rwkv (RWKV world tokenizer) is not supported by Hearth");
            case "no_vocab", "none" -> throw new UnsupportedTokenizerException("the model has no vocabulary (tokenizer.ggml.model = " + model + ")");
            default -> throw new UnsupportedTokenizerException("tokenizer.ggml.model = '" + model + "' is not supported by Hearth (supported: llama, gpt2)");
        }
        this.pre = preName;

        if (type == Type.BPE) {
            addSpacePrefix = false;
            escapeWhitespaces = false;
            cleanSpaces = true;
            preType = selectPreTokenizer(preName);
        } else {
            preType = PreTokenizerType.DEFAULT;
            addSpacePrefix = true;
            cleanSpaces = false;
            addBos = true;
            addEos = false;
        }
        addSpacePrefix = gguf.getBool("tokenizer.ggml.add_space_prefix", addSpacePrefix);

        GgufArray tokenArray = gguf.getArray("tokenizer.ggml.tokens");
        if (tokenArray == null) throw new UnsupportedTokenizerException(gguf.path() + ": cannot find tokenizer vocab (tokenizer.ggml.tokens)");
        String[] toks = tokenArray.strings().clone();
        int n = toks.length;
        GgufArray scoreArray = gguf.getArray("tokenizer.ggml.scores");
        float[] sc = scoreArray == null ? new float[n] : scoreArray.floats();
        if (sc.length < n) throw new UnsupportedTokenizerException("tokenizer.ggml.scores has " + sc.length + " entries for " + n + " tokens");
        GgufArray typeArray = gguf.getArray("tokenizer.ggml.token_type");
        int[] types = typeArray == null ? null : typeArray.ints();
        if (types != null && types.length < n) throw new UnsupportedTokenizerException("tokenizer.ggml.token_type has " + types.length + " entries for " + n + " tokens");

        this.tokens = toks;
        this.scores = Arrays.copyOf(sc, n);
        this.attrs = new int[n];
        for (int i = 0; i < n; i++) {
            if (toks[i].isEmpty()) toks[i] = "[EMPTY_" + i + "]"; // as llama.cpp, so every id has a distinct text
            attrs[i] = types == null ? TokenAttr.NORMAL : TokenAttr.fromTokenType(types[i]);
        }
        this.index = new TokenIndex(toks); // a later duplicate text wins, as in llama.cpp's token_to_id[word] = i

        if (type == Type.BPE) {
            GgufArray m = gguf.getArray("tokenizer.ggml.merges");
            if (m == null) throw new UnsupportedTokenizerException(gguf.path() + ": BPE vocabulary without tokenizer.ggml.merges");
            merges = m.strings();
        } else {
            merges = new String[0];
        }

        // Special ids: defaults outside the vocabulary are dropped, then GGUF keys override when in range.
        bos = inRange(bos, n); eos = inRange(eos, n); unk = inRange(unk, n);
        bos = readId(gguf, "tokenizer.ggml.bos_token_id", bos, n);
        eos = readId(gguf, "tokenizer.ggml.eos_token_id", eos, n);
        eot = readId(gguf, "tokenizer.ggml.eot_token_id", eot, n);
        eom = readId(gguf, "tokenizer.ggml.eom_token_id", eom, n);
        unk = readId(gguf, "tokenizer.ggml.unknown_token_id", unk, n);
        sep = readId(gguf, "tokenizer.ggml.seperator_token_id", sep, n); // sic: llama.cpp's key is misspelled
        pad = readId(gguf, "tokenizer.ggml.padding_token_id", pad, n);
        mask = readId(gguf, "tokenizer.ggml.mask_token_id", mask, n);
        fimPre = readId(gguf, "tokenizer.ggml.fim_pre_token_id", fimPre, n);
        fimSuf = readId(gguf, "tokenizer.ggml.fim_suf_token_id", fimSuf, n);
        fimMid = readId(gguf, "tokenizer.ggml.fim_mid_token_id", fimMid, n);
        fimPad = readId(gguf, "tokenizer.ggml.fim_pad_token_id", fimPad, n);
        fimRep = readId(gguf, "tokenizer.ggml.fim_rep_token_id", fimRep, n);
        fimSep = readId(gguf, "tokenizer.ggml.fim_sep_token_id", fimSep, n);
        // deprecated spellings of the FIM keys
        fimPre = readId(gguf, "tokenizer.ggml.prefix_token_id", fimPre, n);
        fimSuf = readId(gguf, "tokenizer.ggml.suffix_token_id", fimSuf, n);
        fimMid = readId(gguf, "tokenizer.ggml.middle_token_id", fimMid, n);

        addBos = gguf.getBool("tokenizer.ggml.add_bos_token", addBos);
        addEos = gguf.getBool("tokenizer.ggml.add_eos_token", addEos);
        addSep = gguf.getBool("tokenizer.ggml.add_sep_token", addSep);
        if (preType == PreTokenizerType.GEMMA4 && !addBos) addBos = true; // llama.cpp workaround for Gemma 4

        recognizeSpecialTokensByText();
        markUnusedControlTokens();
        this.eogIds = collectEndOfGeneration();
        this.specialTokensByLength = sortSpecialTokens();
        applyModelSpecificAttributes(gguf);
    }

    /** Reads the vocabulary of {@code gguf}; throws {@link UnsupportedTokenizerException} for tokenizers Hearth lacks. */
    public static Vocabulary load(GgufFile gguf) {
        return new Vocabulary(gguf, null);
    }

    /** As {@link #load(GgufFile)} with another {@code tokenizer.ggml.pre}: for testing every pre-tokenizer on one vocabulary. */
    static Vocabulary loadWithPreTokenizer(GgufFile gguf, String pre) {
        return new Vocabulary(gguf, pre);
    }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value, with the flags llama.cpp ties to the
     * name. llama.cpp refuses unknown names; Hearth warns and falls back to the default regexes so a new
     * model still loads (its tokenization may then differ from the model's own).
     */
    private PreTokenizerType selectPreTokenizer(String name) {
        if (name == null || name.isEmpty()) {
            System.err.println("warning: GGUF has no tokenizer.ggml.pre; using the default pre-tokenizer -- generation quality may be degraded");
            return PreTokenizerType.DEFAULT;
        }
        switch (name) {
            case "default": return PreTokenizerType.DEFAULT;
            case "minicpm5": ignoreMerges = true; return PreTokenizerType.MINICPM5;
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano":
                ignoreMerges = true; addBos = true; return PreTokenizerType.LLAMA3;
            case "deepseek-llm": cleanSpaces = false; return PreTokenizerType.DEEPSEEK_LLM;
            case "deepseek-coder": cleanSpaces = false; return PreTokenizerType.DEEPSEEK_CODER;
            case "deepseek-v3": cleanSpaces = false; return PreTokenizerType.DEEPSEEK3_LLM;
            case "youtu": cleanSpaces = false; ignoreMerges = true; return PreTokenizerType.YOUTU;
            case "falcon": return PreTokenizerType.FALCON;
            case "mpt": return PreTokenizerType.MPT;
            case "starcoder": return PreTokenizerType.STARCODER;
            case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum", "modern-bert":
                return PreTokenizerType.GPT2;
            case "jais-2": return PreTokenizerType.JAIS2;
            case "gemma4", "granite-embed-multi-311m": escapeWhitespaces = true; return PreTokenizerType.GEMMA4;
            case "sarvam-moe": escapeWhitespaces = true; cleanSpaces = false; return PreTokenizerType.SARVAM_MOE;
            case "jina-v1-en", "jina-v2-code", "roberta-bpe": addSep = true; return PreTokenizerType.GPT2;
            case "refact": return PreTokenizerType.REFACT;
            case "command-r": cleanSpaces = false; return PreTokenizerType.COMMAND_R;
            case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2": cleanSpaces = false; return PreTokenizerType.QWEN2;
            case "qwen35": cleanSpaces = false; return PreTokenizerType.QWEN35;
            case "stablelm2": return PreTokenizerType.STABLELM2;
            case "olmo": return PreTokenizerType.OLMO;
            case "dbrx": return PreTokenizerType.DBRX;
            case "smaug-bpe": return PreTokenizerType.SMAUG;
            case "poro-chat": cleanSpaces = false; return PreTokenizerType.PORO;
            case "glm4", "chatglm-bpe": bos = NONE; return PreTokenizerType.CHATGLM4;
            case "viking": cleanSpaces = false; return PreTokenizerType.VIKING;
            case "jais": return PreTokenizerType.JAIS;
            case "tekken": cleanSpaces = false; ignoreMerges = true; addBos = true; return PreTokenizerType.TEKKEN;
            case "smollm": cleanSpaces = false; return PreTokenizerType.SMOLLM;
            case "codeshell": return PreTokenizerType.CODESHELL;
            case "bloom": return PreTokenizerType.BLOOM;
            case "gpt3-finnish": return PreTokenizerType.GPT3_FINNISH;
            case "exaone": return PreTokenizerType.EXAONE;
            case "exaone4": return PreTokenizerType.GPT2;
            case "exaone-moe": return PreTokenizerType.EXAONE_MOE;
            case "chameleon": addBos = true; cleanSpaces = false; return PreTokenizerType.CHAMELEON;
            case "minerva-7b": return PreTokenizerType.MINERVA;
            case "megrez": return PreTokenizerType.QWEN2;
            case "gpt-4o", "llama4", "kanana2", "talkie": cleanSpaces = false; return PreTokenizerType.GPT4O;
            case "granite-embed-multi-97m": cleanSpaces = false; ignoreMerges = true; return PreTokenizerType.GRANITE_EMB_MULTI;
            case "tiny_aya", "cohere2moe": cleanSpaces = false; return PreTokenizerType.TINY_AYA;
            case "superbpe": cleanSpaces = false; return PreTokenizerType.SUPERBPE;
            case "trillion": cleanSpaces = false; return PreTokenizerType.TRILLION;
            case "granite-docling": cleanSpaces = false; return PreTokenizerType.GRANITE_DOCLING;
            case "bailingmoe", "bailingmoe2", "llada-moe": cleanSpaces = false; return PreTokenizerType.BAILINGMOE;
            case "seed-coder": cleanSpaces = false; return PreTokenizerType.SEED_CODER;
            case "hunyuan": cleanSpaces = false; return PreTokenizerType.HUNYUAN;
            case "hunyuan-dense": cleanSpaces = false; return PreTokenizerType.HUNYUAN_DENSE;
            case "joyai-llm": cleanSpaces = false; return PreTokenizerType.JOYAI_LLM;
            case "kimi-k2": cleanSpaces = false; return PreTokenizerType.KIMI_K2;
            case "grok-2": cleanSpaces = false; return PreTokenizerType.GROK_2;
            case "afmoe": cleanSpaces = false; return PreTokenizerType.AFMOE;
            case "laguna": cleanSpaces = false; return PreTokenizerType.LAGUNA;
            case "minimax-m2": cleanSpaces = false; return PreTokenizerType.MINIMAX_M2;
            case "solar-open": cleanSpaces = false; return PreTokenizerType.SOLAR_OPEN;
            case "mellum2": return PreTokenizerType.MELLUM2;
            default:
                System.err.println("warning: unknown pre-tokenizer type tokenizer.ggml.pre = '" + name
                        + "'; using the default pre-tokenizer -- tokenization may differ from the model's own");
                return PreTokenizerType.DEFAULT;
        }
    }

    // Text-based recognition of EOT/EOM/FIM tokens when the GGUF does not name them (llama.cpp's lists,
    // "auto-detect special tokens by text"). llama.cpp walks an unordered_map, so when several texts of one
    // list are present which one it picks depends on hashing; Hearth takes the first text in list order,
    // which agrees with llama.cpp on the vocabularies tested (e.g. Qwen2: <|im_end|>, not <|endoftext|>).
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
            "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>");
    private static final List<String> EOM_TEXTS = List.of("<|eom_id|>");
    private static final List<String> FIM_PRE_TEXTS = List.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>",
            "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final List<String> FIM_SUF_TEXTS = List.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>",
            "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final List<String> FIM_MID_TEXTS = List.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>",
            "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");
    /** Texts that end generation (llama.cpp's special_eog_ids list). */
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
            "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
            "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[");

    private void recognizeSpecialTokensByText() {
        if (eot == NONE) eot = findByText(EOT_TEXTS);
        if (eom == NONE) eom = findByText(EOM_TEXTS);
        if (fimPre == NONE) fimPre = findByText(FIM_PRE_TEXTS);
        if (fimSuf == NONE) fimSuf = findByText(FIM_SUF_TEXTS);
        if (fimMid == NONE) fimMid = findByText(FIM_MID_TEXTS);
        if (fimPad == NONE) fimPad = findByText(FIM_PAD_TEXTS);
        if (fimRep == NONE) fimRep = findByText(FIM_REP_TEXTS);
        if (fimSep == NONE) fimSep = findByText(FIM_SEP_TEXTS);
    }

    /** The token of the first text of {@code texts} in the vocabulary, marked CONTROL (llama.cpp overrides the type of such tokens). */
    private int findByText(List<String> texts) {
        for (String t : texts) {
            int id = index.find(t);
            if (id >= 0) {
                attrs[id] |= TokenAttr.CONTROL;
                return id;
            }
        }
        return NONE;
    }

    private void markUnusedControlTokens() {
        for (int i = 0; i < tokens.length; i++) {
            if ((attrs[i] & TokenAttr.CONTROL) != 0 && tokens[i].contains("unused")) attrs[i] |= TokenAttr.UNUSED;
        }
    }

    private int[] collectEndOfGeneration() {
        TreeSet<Integer> eog = new TreeSet<>();
        if (fimPad != NONE) eog.add(fimPad);
        if (fimRep != NONE) eog.add(fimRep);
        if (fimSep != NONE) eog.add(fimSep);
        for (String t : EOG_TEXTS) {
            int id = index.find(t);
            if (id >= 0) {
                eog.add(id);
                attrs[id] |= TokenAttr.CONTROL;
            }
        }
        // gpt-oss: these are always rendered (llama.cpp sets them USER_DEFINED)
        for (String t : List.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>")) {
            int id = index.find(t);
            if (id >= 0) attrs[id] = TokenAttr.USER_DEFINED;
        }
        if (eos != NONE) eog.add(eos);
        if (eot != NONE) eog.add(eot);
        if (eom != NONE) eog.add(eom);

        // o200k_harmony and solar-open: "<|end|>" ends a message, not the generation.
        boolean hasReturn = false, hasCall = false, hasFlush = false;
        int endId = NONE;
        for (int id : eog) {
            switch (tokens[id]) {
                case "<|return|>" -> hasReturn = true;
                case "<|call|>", "<|calls|>" -> hasCall = true;
                case "<|flush|>" -> hasFlush = true;
                case "<|end|>" -> endId = id;
                default -> { }
            }
        }
        if (endId != NONE && ((hasReturn && hasCall) || (hasCall && hasFlush))) {
            eog.remove(endId);
            attrs[endId] = TokenAttr.USER_DEFINED;
        }
        // gemma4 and paddleocr: "</s>" is not an end of generation when "<|tool_response>" exists.
        int sId = NONE;
        boolean hasToolResponse = false;
        for (int id : eog) {
            if (tokens[id].equals("<|tool_response>")) hasToolResponse = true;
            else if (tokens[id].equals("</s>")) sId = id;
        }
        if (hasToolResponse && sId != NONE) {
            eog.remove(sId);
            attrs[sId] = TokenAttr.NORMAL;
        }
        return eog.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] sortSpecialTokens() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            if ((attrs[i] & (TokenAttr.CONTROL | TokenAttr.USER_DEFINED | TokenAttr.UNKNOWN)) != 0) ids.add(i);
        }
        // longest first (by UTF-8 length, as llama.cpp); ties by id so the order is deterministic
        ids.sort((a, b) -> {
            int c = Integer.compare(utf8Length(tokens[b]), utf8Length(tokens[a]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** llama.cpp's per-model attribute fix-ups, keyed on general.name / tokenizer.ggml.pre / general.architecture. */
    private void applyModelSpecificAttributes(GgufFile gguf) {
        String name = gguf.getString("general.name", "").toLowerCase(Locale.ROOT);
        String preKey = gguf.getString("tokenizer.ggml.pre", "");
        String arch = gguf.getString("general.architecture", "");
        if (preKey.contains("jina-v2-de") || preKey.contains("jina-v2-es") || preKey.contains("jina-v2-code")
                || arch.contains("nomic-bert-moe") || arch.contains("jina-bert-v3")) {
            setAttr("<mask>", TokenAttr.LSTRIP, true);
        } else if (name.contains("phi-3") || name.contains("phi3")) {
            for (int id : specialTokensByLength) attrs[id] |= TokenAttr.RSTRIP;
            setAttr("</s>", TokenAttr.RSTRIP, true);
            for (String t : List.of("<unk>", "<s>", "<|endoftext|>")) setAttr(t, TokenAttr.RSTRIP, false);
        } else if (name.contains("modern-bert")) {
            setAttr("[MASK]", TokenAttr.LSTRIP, true);
        }
    }

    private void setAttr(String text, int attr, boolean value) {
        int id = index.find(text);
        if (id < 0) return;
        attrs[id] = value ? attrs[id] | attr : attrs[id] & ~attr;
    }

    private static int inRange(int id, int n) {
        return id >= 0 && id < n ? id : NONE;
    }

    private static int readId(GgufFile gguf, String key, int fallback, int n) {
        if (!gguf.has(key)) return fallback;
        long v = gguf.getLong(key, -1);
        if (v < 0 || v >= n) {
            System.err.println("warning: bad special token " + key + " = " + v + ", using default id " + fallback);
            return fallback;
        }
        return (int) v;
    }

    static int utf8Length(String s) {
        int len = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) len += 1;
            else if (c < 0x800) len += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) { len += 4; i++; }
            else len += 3;
        }
        return len;
    }

    // --- accessors ---

    public String model() { return model; }
    /** The {@code tokenizer.ggml.pre} name (may be null). */
    public String pre() { return pre; }
    public Type type() { return type; }
    public PreTokenizerType preTokenizer() { return preType; }
    public int size() { return tokens.length; }
    public String text(int id) { return tokens[id]; }
    public float score(int id) { return scores[id]; }
    public int attr(int id) { return attrs[id]; }
    /** The id of the token whose text is exactly {@code text}, or {@link #NONE}. */
    public int id(String text) {
        return index.find(text);
    }

    /** The id of the token whose text is {@code s[from, to)}, or {@link #NONE}. */
    int id(String s, int from, int to) {
        return index.find(s, from, to);
    }

    /** The id of the token whose text is {@code chars[from, to)}, or {@link #NONE}. */
    int id(char[] chars, int from, int to) {
        return index.find(chars, from, to);
    }

    TokenIndex index() { return index; }
    String[] merges() { return merges; }
    int[] specialTokensByLength() { return specialTokensByLength; }

    public boolean isControl(int id) { return (attrs[id] & TokenAttr.CONTROL) != 0; }
    public boolean isByte(int id) { return (attrs[id] & TokenAttr.BYTE) != 0; }
    public boolean isEog(int id) { return id != NONE && Arrays.binarySearch(eogIds, id) >= 0; }
    /** All end-of-generation ids, ascending. */
    public int[] eogIds() { return eogIds.clone(); }

    public int bos() { return bos; }
    public int eos() { return eos; }
    public int eot() { return eot; }
    public int eom() { return eom; }
    public int unk() { return unk; }
    public int sep() { return sep; }
    public int pad() { return pad; }
    public int mask() { return mask; }
    public int fimPre() { return fimPre; }
    public int fimSuf() { return fimSuf; }
    public int fimMid() { return fimMid; }
    public int fimPad() { return fimPad; }
    public int fimRep() { return fimRep; }
    public int fimSep() { return fimSep; }

    public boolean addBos() { return addBos; }
    public boolean addEos() { return addEos; }
    public boolean addSep() { return addSep; }
    public boolean addSpacePrefix() { return addSpacePrefix; }
    public boolean ignoreMerges() { return ignoreMerges; }
    public boolean cleanSpaces() { return cleanSpaces; }
    /** Whether spaces are written as U+2581 '▁' in token texts (SPM, and SPM-style BPE such as Gemma 4). */
    public boolean escapeWhitespaces() { return type == Type.SPM || escapeWhitespaces; }
}
