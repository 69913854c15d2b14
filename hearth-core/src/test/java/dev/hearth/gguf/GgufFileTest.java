package dev.hearth.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.tensor.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
    static final Path STORIES = Path.of("../models/stories260K.gguf");

    @TempDir Path tmp;

    @Test
    void readsTheBundledModel() {
        try (GgufFile f = GgufFile.open(STORIES)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.requireString("general.architecture")).isEqualTo("llama");
            assertThat(f.getInt("llama.embedding_length", 0)).isEqualTo(64);
            assertThat(f.getInt("llama.block_count", 0)).isEqualTo(5);
            assertThat(f.getArray("tokenizer.ggml.tokens").strings()).hasSize(512);
            assertThat(f.tensors()).hasSize(48);
            Tensor emb = f.requireTensor("token_embd.weight");
            assertThat(emb.type()).isEqualTo(GgmlType.F32);
            assertThat(emb.shape()).containsExactly(64, 512);
            assertThat(emb.data().byteSize()).isEqualTo(64 * 512 * 4);
        }
    }

    @Test
    void releasedPagesReadBackFromTheFile() {
        try (GgufFile f = GgufFile.open(STORIES)) {
            Tensor emb = f.requireTensor("token_embd.weight");
            float before = emb.data().get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * 1000);
            f.releasePages(emb);
            assertThat(emb.data().get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * 1000)).isEqualTo(before);
            Tensor elsewhere = new Tensor("x", GgmlType.F32, new long[] {4}, java.lang.foreign.Arena.ofAuto().allocate(16));
            assertThatThrownBy(() -> f.releasePages(elsewhere)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void writesWhatItReads() throws IOException {
        Path p = tmp.resolve("w.gguf");
        GgufArray nested = new GgufArray(GgufValueType.ARRAY, List.of(
                new GgufArray(GgufValueType.INT32, new long[] {1, 2}), new GgufArray(GgufValueType.STRING, new String[] {"x"})));
        new GgufWriter()
                .putString("general.architecture", "llama")
                .putU32("a.u32", 4000000000L)
                .putF32("a.f32", 1.5f)
                .putBool("a.bool", true)
                .put("a.i8", GgufValueType.INT8, -3L)
                .put("a.u16", GgufValueType.UINT16, 65535L)
                .put("a.f64", GgufValueType.FLOAT64, 2.25)
                .put("a.i64", GgufValueType.INT64, -5L)
                .put("a.nested", GgufValueType.ARRAY, nested)
                .putStrings("a.strings", new String[] {"héllo", ""})
                .putFloats("a.floats", new float[] {1, 2, 3})
                .addTensor("t1", new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6})
                .addTensor("t2", new long[] {5}, new float[] {7, 8, 9, 10, 11})
                .write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.getLong("a.u32", 0)).isEqualTo(4000000000L);
            assertThat(f.getFloat("a.f32", 0)).isEqualTo(1.5f);
            assertThat(f.getBool("a.bool", false)).isTrue();
            assertThat(f.getLong("a.i8", 0)).isEqualTo(-3);
            assertThat(f.getLong("a.u16", 0)).isEqualTo(65535);
            assertThat(f.getFloat("a.f64", 0)).isEqualTo(2.25f);
            assertThat(f.getLong("a.i64", 0)).isEqualTo(-5);
            assertThat(f.getArray("a.strings").strings()).containsExactly("héllo", "");
            assertThat(f.getArray("a.floats").floats()).containsExactly(1, 2, 3);
            @SuppressWarnings("unchecked") List<GgufArray> inner = (List<GgufArray>) f.getArray("a.nested").values();
            assertThat(inner.get(0).ints()).containsExactly(1, 2);
            assertThat(inner.get(1).strings()).containsExactly("x");
            Tensor t2 = f.requireTensor("t2");
            assertThat(t2.data().address() % 32).isZero();
            assertThat(t2.data().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT)).containsExactly(7, 8, 9, 10, 11);
            assertThat(f.requireTensor("t1").rowCount()).isEqualTo(2);
        }
    }

    // ---- malformed files: each fails at open with one message naming the file and the problem ----

    private byte[] validFile() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        new GgufWriter().putString("general.architecture", "llama")
                .addTensor("t", new long[] {4}, new float[] {1, 2, 3, 4}).write(bos);
        return bos.toByteArray();
    }

    private String openError(byte[] bytes) throws IOException {
        Path p = tmp.resolve("bad.gguf");
        Files.write(p, bytes);
        try (GgufFile f = GgufFile.open(p)) {
            throw new AssertionError("opened a malformed file");
        } catch (GgufFormatException e) {
            assertThat(e.getMessage()).startsWith(p.toString() + ": ").doesNotContain("\n");
            return e.getMessage();
        }
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void badMagic() throws IOException {
        byte[] b = validFile();
        b[0] = 'X';
        assertThat(openError(b)).contains("not a GGUF file");
    }

    @Test
    void unsupportedVersion() throws IOException {
        byte[] b = validFile();
        le(b).putInt(4, 1);
        assertThat(openError(b)).contains("unsupported GGUF version 1");
        le(b).putInt(4, 0x03000000);
        assertThat(openError(b)).contains("big-endian");
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] b = validFile();
        assertThat(openError(java.util.Arrays.copyOf(b, 30))).contains("truncated header");
        assertThat(openError(java.util.Arrays.copyOf(b, 6))).contains("truncated header");
    }

    @Test
    void truncatedData() throws IOException {
        byte[] b = validFile();
        assertThat(openError(java.util.Arrays.copyOf(b, b.length - 20))).contains("tensor 't'").contains("outside the file");
    }

    @Test
    void absurdCounts() throws IOException {
        byte[] b = validFile();
        le(b).putLong(8, 1L << 40); // tensor count
        assertThat(openError(b)).contains("absurd number of tensors");
        b = validFile();
        le(b).putLong(16, Long.MAX_VALUE); // metadata count
        assertThat(openError(b)).contains("absurd number of metadata");
    }

    @Test
    void absurdStringLength() throws IOException {
        byte[] b = validFile();
        le(b).putLong(24, 1L << 50); // length of the first key
        assertThat(openError(b)).contains("absurd string length");
    }

    @Test
    void tensorOutsideTheFile() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        new GgufWriter().addTensor("t", new long[] {4}, new float[] {1, 2, 3, 4}).write(bos);
        byte[] b = bos.toByteArray();
        // header: magic 4, version 4, counts 16, then tensor info: name (8 + 1), n_dims 4, dim 8, type 4, offset 8
        int offsetPos = 24 + 9 + 4 + 8 + 4;
        le(b).putLong(offsetPos, 1L << 20);
        assertThat(openError(b)).contains("tensor 't'").contains("outside the file");
    }

    @Test
    void unknownTensorType() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        new GgufWriter().addTensor("t", new long[] {4}, new float[] {1, 2, 3, 4}).write(bos);
        byte[] b = bos.toByteArray();
        int typePos = 24 + 9 + 4 + 8;
        le(b).putInt(typePos, 77);
        assertThat(openError(b)).contains("unknown or unsupported tensor type 77 (#77)");
        le(b).putInt(typePos, 16);
        assertThat(openError(b)).contains("unsupported tensor type 16 (IQ2_XXS)");
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> GgufFile.open(tmp.resolve("nope.gguf")))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("no such file");
    }

    @Test
    void missingRequiredKeyIsNamed() throws IOException {
        Path p = tmp.resolve("ok.gguf");
        Files.write(p, validFile());
        try (GgufFile f = GgufFile.open(p)) {
            assertThatThrownBy(() -> f.requireInt("llama.block_count"))
                    .hasMessage(p + ": missing required metadata key 'llama.block_count'");
        }
    }
}
