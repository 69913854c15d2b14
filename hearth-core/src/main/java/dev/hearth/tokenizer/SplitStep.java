package dev.hearth.tokenizer;

/**
 * One stage of a pre-tokenizer: splits each piece of a code point sequence further. Pieces are given
 * and returned as consecutive lengths (llama.cpp's {@code bpe_offsets}); a stage never merges pieces.
 */
interface SplitStep {
    void split(int[] cps, IntList pieces, IntList out);
}
