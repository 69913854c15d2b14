package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.GgufFormatException;
import dev.hearth.gguf.GgufWriter;
import dev.hearth.tensor.GgmlType;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file that parses but cannot run fails at load with one message naming the file and the problem. */
class ModelLoadErrorsTest {
    @TempDir Path tmp;

    static final int E = 32, FF = 32, V = 4;

    /** A minimal one-layer llama file; {@code edit} may change or drop parts before it is written. */
    private Path model(String arch, Consumer<GgufWriter> metadata, String skipTensor, String iq4Tensor) {
        GgufWriter w = new GgufWriter().putString("general.architecture", arch)
                .putU32(arch + ".embedding_length", E).putU32(arch + ".block_count", 1)
                .putU32(arch + ".feed_forward_length", FF).putU32(arch + ".attention.head_count", 1)
                .putStrings("tokenizer.ggml.tokens", new String[] {"<unk>", "<s>", "</s>", "a"})
                .putString("tokenizer.ggml.model", "llama");
        metadata.accept(w);
        String[][] mats = {{"token_embd.weight", "" + V}, {"blk.0.attn_q.weight", "" + E}, {"blk.0.attn_k.weight", "" + E},
                {"blk.0.attn_v.weight", "" + E}, {"blk.0.attn_output.weight", "" + E}, {"blk.0.ffn_gate.weight", "" + FF},
                {"blk.0.ffn_up.weight", "" + FF}, {"blk.0.ffn_down.weight", "" + E}};
        for (String[] m : mats) {
            if (m[0].equals(skipTensor)) continue;
            int rows = Integer.parseInt(m[1]);
            int cols = m[0].contains("ffn_down") ? FF : E;
            if (m[0].equals(iq4Tensor)) w.addTensor(m[0], GgmlType.IQ4_NL, new long[] {cols, rows}, new byte[rows * cols / 32 * 18]);
            else w.addTensor(m[0], new long[] {cols, rows}, new float[rows * cols]);
        }
        for (String n : new String[] {"blk.0.attn_norm.weight", "blk.0.ffn_norm.weight", "output_norm.weight"})
            if (!n.equals(skipTensor)) w.addTensor(n, new long[] {E}, new float[E]);
        Path p = tmp.resolve(arch + "-" + skipTensor + "-" + iq4Tensor + ".gguf");
        w.write(p);
        return p;
    }

    private void fails(Path p, String... fragments) {
        try (GgufFile f = GgufFile.open(p)) {
            var a = assertThatThrownBy(() -> Model.load(f)).isInstanceOf(GgufFormatException.class).hasMessageStartingWith(p + ": ");
            for (String s : fragments) a.hasMessageContaining(s);
        }
    }

    @Test
    void validMinimalModelLoads() {
        Path p = model("llama", w -> {}, null, null);
        try (GgufFile f = GgufFile.open(p)) {
            Model.load(f);
        }
    }

    @Test
    void unknownArchitecture() {
        fails(model("mamba", w -> {}, null, null), "architecture 'mamba' is not supported");
    }

    @Test
    void unknownArchitectureListsTheSupportedOnes() {
        fails(model("rwkv6", w -> {}, null, null), "architecture 'rwkv6' is not supported (supported: llama, qwen2, qwen3, starcoder2, phi3, gemma, gemma2, gemma3");
    }

    @Test
    void architectureSpecificRequiredKey() {
        // StarCoder2's LayerNorm epsilon is required, as llama.cpp's loader requires it
        fails(model("starcoder2", w -> {}, null, null), "missing required metadata key 'starcoder2.attention.layer_norm_epsilon'");
    }

    @Test
    void missingTensor() {
        fails(model("llama", w -> {}, "blk.0.ffn_up.weight", null), "missing tensor 'blk.0.ffn_up.weight'");
    }

    @Test
    void missingRequiredKey() {
        Path p = tmp.resolve("nokey.gguf");
        new GgufWriter().putString("general.architecture", "llama").putU32("llama.embedding_length", E).write(p);
        fails(p, "missing required metadata key 'llama.block_count'");
    }

    @Test
    void typeWithoutKernels() {
        fails(model("llama", w -> {}, null, "blk.0.attn_q.weight"), "tensor 'blk.0.attn_q.weight' has type IQ4_NL");
    }

    @Test
    void badHeadCounts() {
        fails(model("llama", w -> w.putU32("llama.attention.head_count_kv", 3), null, null), "not a multiple of head_count_kv 3");
    }
}
