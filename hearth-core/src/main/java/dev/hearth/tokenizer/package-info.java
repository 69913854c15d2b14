/**
 * Tokenizers read from GGUF metadata, with llama.cpp's semantics (src/llama-vocab.cpp, src/unicode.cpp
 * at commit 80fb11a are the specification).
 *
 * <h2>Map</h2>
 * <ul>
 *   <li>{@link dev.hearth.tokenizer.Vocabulary}: {@code tokenizer.ggml.*}, llama.cpp's defaults, text-based
 *       EOT/EOM/FIM recognition, the end-of-generation set, token attributes.</li>
 *   <li>{@link dev.hearth.tokenizer.Tokenizer}: encode / piece / decode; made by {@code Tokenizer.load(gguf)}.
 *       {@code SpmTokenizer} (SentencePiece, {@code llama}) and {@code BpeTokenizer} (byte-level BPE,
 *       {@code gpt2}, and SPM-style BPE {@code gemma4}) share {@code AbstractTokenizer}:
 *       {@code SpecialTokenPartitioner} first cuts out special tokens, the subclass tokenizes the text between.</li>
 *   <li>{@link dev.hearth.tokenizer.PreTokenizer}: the regexes of a {@link dev.hearth.tokenizer.PreTokenizerType},
 *       run by hand-written splitters where llama.cpp has them ({@code Gpt2Splitter}, {@code Llama3Splitter},
 *       {@code KimiK2Splitter}, {@code DigitGroupSplitter}, {@code NewlineSplitter}) and otherwise by
 *       {@code RegexSplitter} on llama.cpp's category-collapsed text.</li>
 *   <li>{@link dev.hearth.tokenizer.UnicodeFlags} (llama.cpp's own category table), {@link dev.hearth.tokenizer.ByteUnicode}
 *       (GPT-2's byte ↔ character map), {@code TokenIndex} (lookups by character range).</li>
 *   <li>{@link dev.hearth.tokenizer.StreamingDetokenizer}: ids in, complete UTF-8 text out.</li>
 * </ul>
 *
 * <h2>Checked against llama.cpp</h2>
 * llama.cpp's vocabulary test vectors (9 vocabularies × 46 strings, encode and decode), extra strings
 * tokenized by {@code llama-tokenize} for 11 vocabularies (with and without special-token parsing),
 * all 33 distinct pre-tokenizer kinds on one mixed text, the special ids and EOG set of 11
 * vocabularies, and a 1 MB text with the Llama 3 vocabulary (276 743 tokens, identical).
 *
 * <h2>Known differences from llama.cpp</h2>
 * <ul>
 *   <li>An unknown {@code tokenizer.ggml.pre} is a warning and the default regexes, not an error.</li>
 *   <li>When a vocabulary has several texts of one of llama.cpp's recognition lists (e.g. both
 *       {@code <|im_end|>} and {@code <|endoftext|>} for EOT) and no explicit id, llama.cpp's choice depends on
 *       hash-map order; Hearth takes the first in list order (which matched on every vocabulary tested).</li>
 *   <li>Special tokens of equal length are tried in id order (llama.cpp's sort is unstable); this only
 *       matters if two equally long special tokens overlap in the text.</li>
 *   <li>Java strings cannot hold invalid UTF-8; unpaired surrogates are treated as U+FFFD, which is what
 *       llama.cpp does with invalid bytes.</li>
 *   <li>{@code RegexSplitter} uses java.util.regex where llama.cpp uses std::regex (ECMAScript); the
 *       patterns use constructs both read alike, and all kinds were checked. SuperBPE's lookahead pattern
 *       is quadratic in the length of a digit run in both engines.</li>
 *   <li>{@code StreamingDetokenizer} does not apply llama.cpp's whole-text {@code clean_spaces} pass
 *       (llama.cpp's server does not either); {@link dev.hearth.tokenizer.Tokenizer#decode} does.</li>
 *   <li>Not implemented: WordPiece ({@code bert}), Unigram ({@code t5}), RWKV, PLaMo-2, and the
 *       {@code hybriddna} / {@code whitespace} models; loading one is an
 *       {@link dev.hearth.tokenizer.UnsupportedTokenizerException} naming it.</li>
 * </ul>
 */
package dev.hearth.tokenizer;
