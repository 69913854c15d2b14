package dev.hearth.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Direct checks of word splitting; agreement with llama.cpp is in {@link PreTokenizerVariantsTest}. */
class PreTokenizerTest {

    @Test
    void llama3Words() {
        PreTokenizer p = new PreTokenizer(PreTokenizerType.LLAMA3);
        assertThat(p.words("Hello world's 1234567 ok!!\n\n  x"))
                .containsExactly("Hello", " world", "'s", " ", "123", "456", "7", " ok", "!!\n\n", " ", " x");
    }

    @Test
    void gpt2Words() {
        PreTokenizer p = new PreTokenizer(PreTokenizerType.GPT2);
        assertThat(p.words("Hello world's 1234567 ok!!   x"))
                .containsExactly("Hello", " world", "'s", " 1234567", " ok", "!!", "  ", " x");
    }

    @Test
    void collapsedRegexTreatsNonAsciiByCategory() {
        // \p{L} covers é and 中 (both collapse to the letter stand-in), \p{N} covers ٣
        assertThat(RegexSplitter.collapse('é')).isEqualTo('\u00D2');
        assertThat(RegexSplitter.collapse('中')).isEqualTo('\u00D2');
        assertThat(RegexSplitter.collapse('٣')).isEqualTo('\u00D1');
        assertThat(RegexSplitter.collapse('\u3000')).isEqualTo('\u000B');
        assertThat(RegexSplitter.collapseRegex("[^\\s\\p{L}]+|\\p{N}"))
                .isEqualTo("[^\\s\u00D2A-Za-z]+|[\u00D10-9]");
    }

    @Test
    void veryLongWordsDoNotOverflowTheStack() {
        PreTokenizer p = new PreTokenizer(PreTokenizerType.EXAONE_MOE);
        String word = "é".repeat(100_000);
        assertThat(p.words(word)).containsExactly(word);
    }

    @Test
    void unicodeFlagsFollowLlamaCpp() {
        assertThat(UnicodeFlags.isLetter('a')).isTrue();
        assertThat(UnicodeFlags.isNumber('٣')).isTrue();
        assertThat(UnicodeFlags.isWhitespace('\u3000')).isTrue();
        assertThat(UnicodeFlags.isWhitespace('\u001C')).isFalse(); // Python's isspace says yes; llama.cpp's table says no
        assertThat(UnicodeFlags.of(0x110000)).isEqualTo(UnicodeFlags.UNDEFINED);
    }
}
