package dev.hearth.model;

/**
 * One transformer layer: x += post(attn(pre(x))); x += post(ffn(pre(x))). The post-norms are null
 * except where an architecture has them (Gemma-2's post_attention_norm and post_ffw_norm); OLMo-2 has only
 * those, its pre-norms are null. A parallel layer feeds one norm's output to both blocks.
 */
record Layer(Norm attnNorm, Block attn, Norm attnPostNorm, Norm ffnNorm, Block ffn, Norm ffnPostNorm, boolean parallel) {
    Layer(Norm attnNorm, Block attn, Norm attnPostNorm, Norm ffnNorm, Block ffn, Norm ffnPostNorm) {
        this(attnNorm, attn, attnPostNorm, ffnNorm, ffn, ffnPostNorm, false);
    }

    /** A parallel layer (Command-R): x = (ffn(norm(x)) + x) + attn(norm(x)), one norm for both blocks. */
    static Layer parallel(Norm norm, Block attn, Block ffn) {
        return new Layer(norm, attn, null, null, ffn, null, true);
    }
}
