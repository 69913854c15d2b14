package dev.hearth.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into the words BPE merges within, for one {@link PreTokenizerType}: its regexes applied
 * in order, each further splitting the previous pieces. Like llama.cpp ({@code unicode_regex_split_custom}),
 * a regex that has a hand-written splitter is recognised by its exact text and run by that splitter --
 * the splitters define llama.cpp's behaviour, and they are much faster than a regex engine.
 */
public final class PreTokenizer {
    // The exact regex texts llama.cpp dispatches to its custom splitters (src/unicode.cpp).
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    static final String LLAMA3_ORIGINAL = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN35 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String KIMI_K2 = "\\p{Han}+";
    static final String AFMOE_DIGITS = "\\p{AFMoE_digits}";
    static final String NEWLINES = "[^\\n]+|[\\n]+";
    static final String TINY_AYA_DIGITS = "\\d{1,3}(?=(?:\\d{3})*\\b)";

    private final PreTokenizerType type;
    private final List<SplitStep> steps = new ArrayList<>();

    public PreTokenizer(PreTokenizerType type) {
        this.type = type;
        for (String regex : type.regexes()) steps.add(stepFor(regex));
    }

    static SplitStep stepFor(String regex) {
        return switch (regex) {
            case GPT2 -> new Gpt2Splitter();
            case LLAMA3, LLAMA3_ORIGINAL -> Llama3Splitter.llama3();
            case QWEN2 -> Llama3Splitter.qwen2();
            case QWEN35 -> Llama3Splitter.qwen35();
            case KIMI_K2 -> new KimiK2Splitter();
            case AFMOE_DIGITS, TINY_AYA_DIGITS -> new DigitGroupSplitter();
            case NEWLINES -> new NewlineSplitter();
            default -> new RegexSplitter(regex);
        };
    }

    public PreTokenizerType type() { return type; }

    /** The lengths, in code points, of the consecutive words of {@code cps}. */
    public int[] split(int[] cps) {
        IntList pieces = new IntList(4);
        if (cps.length == 0) return new int[0];
        pieces.add(cps.length);
        for (SplitStep step : steps) {
            IntList out = new IntList(Math.max(16, cps.length / 4));
            step.split(cps, pieces, out);
            pieces = out;
        }
        return pieces.toArray();
    }

    /** The words of {@code text} as strings (not byte-encoded): for tests and debugging. */
    public List<String> words(String text) {
        int[] cps = text.codePoints().toArray();
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int len : split(cps)) {
            words.add(new String(cps, start, len));
            start += len;
        }
        return words;
    }
}
