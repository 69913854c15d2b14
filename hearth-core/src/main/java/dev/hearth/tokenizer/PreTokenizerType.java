package dev.hearth.tokenizer;

/**
 * llama.cpp's BPE pre-tokenizer kinds ({@code enum llama_vocab_pre_type}) with the regexes each one
 * splits text with, in order (llama.cpp {@code llm_tokenizer_bpe}'s constructor, src/llama-vocab.cpp,
 * commit 80fb11a; the strings are copied verbatim -- they are the specification). Each regex splits
 * every piece the previous ones produced, keeping both the matches and the text between them.
 * Which names of {@code tokenizer.ggml.pre} select which kind is in {@link Vocabulary}.
 */
public enum PreTokenizerType {
    LLAMA3(true, R.R_LLAMA3),
    JAIS2(true, R.R_JAIS2),
    DBRX(true, R.R_DBRX),
    SMAUG(true, R.R_DBRX),
    DEEPSEEK_LLM(true, R.R_DEEPSEEK_LLM),
    DEEPSEEK3_LLM(true, R.R_DEEPSEEK3_LLM),
    HUNYUAN_DENSE(true, R.R_DEEPSEEK3_LLM),
    JOYAI_LLM(true, R.R_DEEPSEEK3_LLM),
    YOUTU(true, R.R_YOUTU),
    DEEPSEEK_CODER(true, R.R_DEEPSEEK_CODER),
    FALCON(true, R.R_FALCON),
    STARCODER(true, R.R_STARCODER),
    REFACT(true, R.R_STARCODER),
    COMMAND_R(true, R.R_STARCODER),
    SMOLLM(true, R.R_STARCODER),
    CODESHELL(true, R.R_STARCODER),
    EXAONE(true, R.R_STARCODER),
    MINERVA(true, R.R_STARCODER),
    MELLUM2(true, R.R_STARCODER),
    GPT2(true, R.R_GPT2),
    MPT(true, R.R_GPT2),
    OLMO(true, R.R_GPT2),
    JAIS(true, R.R_GPT2),
    TRILLION(true, R.R_GPT2),
    GRANITE_DOCLING(true, R.R_GPT2),
    STABLELM2(true, R.R_STABLELM2),
    QWEN2(true, R.R_STABLELM2),
    HUNYUAN(true, R.R_STABLELM2),
    SOLAR_OPEN(true, R.R_STABLELM2),
    QWEN35(true, R.R_QWEN35),
    PORO(true, R.R_PORO),
    BLOOM(true, R.R_PORO),
    GPT3_FINNISH(true, R.R_PORO),
    CHATGLM4(true, R.R_CHATGLM4),
    VIKING(true, R.R_VIKING),
    TEKKEN(true, R.R_TEKKEN),
    CHAMELEON(true, R.R_CHAMELEON),
    GPT4O(true, R.R_GPT4O),
    MINIMAX_M2(true, R.R_GPT4O),
    GRANITE_EMB_MULTI(true, R.R_GRANITE_EMB_MULTI),
    TINY_AYA(true, R.R_TINY_AYA),
    KIMI_K2(true, R.R_KIMI_K2),
    SUPERBPE(true, R.R_SUPERBPE),
    BAILINGMOE(true, R.R_BAILINGMOE),
    SEED_CODER(true, R.R_SEED_CODER),
    GROK_2(true, R.R_GROK_2),
    AFMOE(true, R.R_AFMOE),
    LAGUNA(true, R.R_LAGUNA),
    EXAONE_MOE(true, R.R_EXAONE_MOE),
    GEMMA4(false, R.R_GEMMA4),
    SARVAM_MOE(false, R.R_SARVAM_MOE),
    MINICPM5(true, R.R_MINICPM5),
    WHITESPACE(false, R.R_WHITESPACE),
    DEFAULT(true, R.R_DEFAULT);

    /** Whether words are mapped through GPT-2's byte-to-unicode table before merging ({@link ByteUnicode}). */
    public final boolean byteEncode;
    private final String[] regexes;

    PreTokenizerType(boolean byteEncode, String[] regexes) {
        this.byteEncode = byteEncode;
        this.regexes = regexes;
    }

    public String[] regexes() {
        return regexes.clone();
    }

    // Arrays are declared in a holder so the enum constants can refer to them.
    private static final class R {
        private static final String[] R_LLAMA3 = {
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_JAIS2 = {
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}"
        };
        private static final String[] R_DBRX = {
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_DEEPSEEK_LLM = {
                "[\r\n]",
                "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
                "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
                "\\s+$",
                "[一-龥ࠀ-一가-퟿]+",
                "\\p{N}+"
        };
        private static final String[] R_DEEPSEEK3_LLM = {
                "\\p{N}{1,3}",
                "[一-龥぀-ゟ゠-ヿ]+",
                "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_YOUTU = {
                "[가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+",
                "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_DEEPSEEK_CODER = {
                "[\r\n]",
                "\\s?\\p{L}+",
                "\\s?\\p{P}+",
                "[一-龥ࠀ-一가-퟿]+",
                "\\p{N}"
        };
        private static final String[] R_FALCON = {
                "[\\p{P}\\$\\+<=>\\^~\\|`]+",
                "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
                "[0-9][0-9][0-9]"
        };
        private static final String[] R_STARCODER = {
                "\\p{N}",
                "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"
        };
        private static final String[] R_GPT2 = {
                "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"
        };
        private static final String[] R_STABLELM2 = {
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_QWEN35 = {
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_PORO = {
                " ?[^(\\s|.,!?…。，、।۔،)]+"
        };
        private static final String[] R_CHATGLM4 = {
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_VIKING = {
                " ?[^(\\s|.,!?…。，、।۔،)]+",
                "\\p{N}"
        };
        private static final String[] R_TEKKEN = {
                "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_CHAMELEON = {
                "<sentinel:[0-9]+>",  // Sentinel tokens,
                "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",  // Image tokens,
                "([\\t\\n]|    |  )",  // directly from tokenizer.json,
                "\\p{N}", // Individual digits,
                "[\\p{P}!-/:-@\\[-`{-~]",  // Punctuation, Isolated,
                "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"
        };
        private static final String[] R_GPT4O = {
                "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_GRANITE_EMB_MULTI = {
                "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))*((?=[\\p{L}\\p{M}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))+((?=[\\p{L}\\p{M}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_TINY_AYA = {
                "\\d{1,3}(?=(?:\\d{3})*\\b)",
                "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_KIMI_K2 = {
                "\\p{Han}+"
        };
        private static final String[] R_SUPERBPE = {
                "\\p{N}+",
                "(?=(\\d{3})+(?!\\d))"
        };
        private static final String[] R_BAILINGMOE = {
                "'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_SEED_CODER = {
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_GROK_2 = {
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_AFMOE = {
                "\\p{AFMoE_digits}",
                "[一-鿿㐀-䶿豈-﫿぀-ゟ゠-ヿ･-ﾟ⼀-⿟เ-๿຀-໿ក-៿က-႟ꩠ-ꩿꧠ-꧿가-힯ᄀ-ᇿ]+",
                "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_LAGUNA = {
                "[^\\n]+|[\\n]+",
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_EXAONE_MOE = {
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_GEMMA4 = {
                "[^\\n]+|[\\n]+"
        };
        private static final String[] R_SARVAM_MOE = {
                "[^\\n]+|[\\n]+"
        };
        private static final String[] R_MINICPM5 = {
                "\\p{N}{1,3}",
                "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
        };
        private static final String[] R_WHITESPACE = {
                "\\S+"
        };
        private static final String[] R_DEFAULT = {
                "[\\p{P}\\$\\+<=>\\^~\\|]+",
                "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
                "\\p{N}+",
                "[0-9][0-9][0-9]"
        };
    }
}
