package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.gguf.GgufFile;
import dev.hearth.tensor.GgmlType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code hearth inspect} shows of a model: the per-architecture hyper-parameters read from each
 * architecture's own metadata keys, e.g. Gemma-2's sliding window on its even layers only (llama.cpp's
 * default pattern 2), its soft-caps and embedding scale, Phi-3's LongRoPE switch-over context.
 */
class ModelDescribeTest {
    @TempDir Path tmp;

    private Map<String, String> describe(String shape) {
        Path p = tmp.resolve(shape + ".gguf");
        RandomModel.write(RandomModel.shape(shape), GgmlType.F32, 1, p);
        try (GgufFile f = GgufFile.open(p)) {
            return Model.load(f).describe();
        }
    }

    @Test
    void gemma2() {
        Map<String, String> d = describe("gemma2-tiny");
        assertThat(d.get("architecture")).isEqualTo("gemma2");
        assertThat(d.get("embedding")).isEqualTo("256, scaled by 16.0");
        assertThat(d.get("attention (layers 0,2)")).contains("sliding window 64").contains("soft-capped at 10.0").contains("NEOX");
        assertThat(d.get("attention (layers 1,3)")).doesNotContain("sliding window");
        assertThat(d.get("norm")).contains("post-attention and post-FFN norms");
        assertThat(d.get("feed-forward")).startsWith("GEGLU, 768");
        assertThat(d.get("output")).isEqualTo("tied to the embedding, logits soft-capped at 30.0");
    }

    @Test
    void phi3() {
        Map<String, String> d = describe("phi3-long");
        assertThat(d.get("trained context")).isEqualTo("131072");
        assertThat(d.get("attention")).contains("fused QKV").contains("head size 96").contains("LongRoPE: long factors above a context of 128");
        assertThat(d.get("feed-forward")).isEqualTo("SWIGLU, 1024, fused gate+up");
    }

    @Test
    void starcoder2() {
        Map<String, String> d = describe("starcoder2-tiny");
        assertThat(d.get("norm")).isEqualTo("LayerNorm with bias, eps 1.0E-5");
        assertThat(d.get("attention")).contains("Q/K/V biases, output bias");
        assertThat(d.get("feed-forward")).isEqualTo("GELU, 1024, biases");
        assertThat(d.get("output")).isEqualTo("own matrix");
    }
}
