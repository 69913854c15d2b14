package dev.hearth.sampling;

import dev.hearth.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;

/** What the text-aware samplers (DRY, infill) need to know about tokens. */
public interface TokenTexts {
    /** end-of-generation tokens (banned by ignore_eos, preferred by infill) */
    int[] eogIds();

    boolean isEog(int id);

    /** the token's text with control tokens rendered (DRY's sequence breakers) */
    String text(int id);

    /** llama.cpp's token_to_piece without special tokens (infill's prefix merging) */
    byte[] piece(int id);

    /** the token that ends an infill: EOT, else EOS */
    int endOfText();

    static TokenTexts of(Tokenizer tokenizer) {
        return new TokenTexts() {
            public int[] eogIds() { return tokenizer.vocabulary().eogIds(); }
            public boolean isEog(int id) { return tokenizer.isEog(id); }
            public String text(int id) { return new String(tokenizer.piece(id, true), StandardCharsets.UTF_8); }
            public byte[] piece(int id) { return tokenizer.piece(id, false); }
            public int endOfText() { return tokenizer.eot() >= 0 ? tokenizer.eot() : tokenizer.eos(); }
        };
    }
}
