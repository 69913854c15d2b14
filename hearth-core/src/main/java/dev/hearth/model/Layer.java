package dev.hearth.model;

/**
 * One transformer layer: x += post(attn(pre(x))); x += post(ffn(pre(x))). The post-norms are null
 * except where an architecture has them (Gemma-2's post_attention_norm and post_ffw_norm); OLMo-2 has only
 * those, its pre-norms are null.
 */
record Layer(Norm attnNorm, Block attn, Norm attnPostNorm, Norm ffnNorm, Block ffn, Norm ffnPostNorm) {}
