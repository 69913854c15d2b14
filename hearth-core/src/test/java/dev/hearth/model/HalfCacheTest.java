package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.HalfRows;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The F16 KV cache keeps float16 bits, 2 bytes per value, and reads them back exactly: a stored row widens to
 * {@code f16(x)} bit for bit, and the kernels that read rows as bits ({@link HalfRows}, the half-source
 * {@link HalfAccumulator#fma}) give the float kernels' results on the widened rows bit for bit.
 */
class HalfCacheTest {
    /** Llama-3.2-1B's shape: 16 layers, 8 KV heads of 64. */
    static final ModelConfig LLAMA_1B = new ModelConfig("llama", 2048, 16, 32, 8, 64, 64, 8192, 128256, 131072, 1e-5f, 500000f, 64, 1f);

    /** Floats whose float16 roundings cover the edges: ±0, subnormal halves, the smallest normal, the largest half, ties, overflow. */
    static final float[] EDGES = {
            0f, -0f, 0x1p-24f, -0x1p-24f, 0x3p-24f, 0x3ffp-24f, -0x3ffp-24f, 0x1p-25f, 0x1.8p-24f, 0x1p-26f,
            0x1p-14f, -0x1p-14f, 0x1.ffcp-15f, 1f, -1f, 1 + 0x1p-11f, 1 + 0x3p-11f, 0.1f, -3.14159f, 1000.7f,
            65504f, -65504f, 65519.99f, 2048.5f, 1e-6f, -5.96e-8f, 7e-8f, 0.33333334f, 12345.678f, -0.0001f,
            1e-30f, -1e-30f};

    static float f16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    static MemorySegment halves(float[] x) {
        MemorySegment s = Arena.ofAuto().allocate(2L * x.length + 2, 64); // +2: rows at an odd half offset below
        HalfRows.store(x, 0, s, 0, x.length);
        return s;
    }

    @Test
    void aStoredRowReadsBackBitExactly() {
        ModelConfig c = new ModelConfig("llama", 64, 2, 2, 1, EDGES.length, EDGES.length, 64, 32, 64, 1e-5f, 10000f, 2, 1f);
        KvCache cache = new KvCache(c, 8);
        float[] v = new float[EDGES.length];
        for (int i = 0; i < v.length; i++) v[i] = -EDGES[i] * 0.5f;
        cache.store(1, 3, EDGES, 0, v, 0);
        float[] k = new float[EDGES.length], vv = new float[EDGES.length];
        HalfRows.widen(cache.keys[1], cache.kRow(1, 3, 0), k, 0, k.length);
        HalfRows.widen(cache.values[1], cache.vRow(1, 3, 0), vv, 0, vv.length);
        for (int i = 0; i < EDGES.length; i++) {
            assertThat(Float.floatToRawIntBits(k[i])).as("key %s", EDGES[i]).isEqualTo(Float.floatToRawIntBits(f16(EDGES[i])));
            assertThat(Float.floatToRawIntBits(vv[i])).as("value %s", v[i]).isEqualTo(Float.floatToRawIntBits(f16(v[i])));
            // the shortcut the kernels take: the bits shifted into place are the value times 2^-112
            float scaled = HalfRows.scaledDown(cache.keys[1], cache.kRow(1, 3, 0) + 2L * i) * HalfRows.SCALE;
            assertThat(Float.floatToRawIntBits(scaled)).as("scaled key %s", EDGES[i]).isEqualTo(Float.floatToRawIntBits(f16(EDGES[i])));
        }
        assertThat(cache.nonFinite).containsOnly(false);
        assertThat(cache.keys[1].get(HalfRows.HALF, cache.kRow(1, 3, 0) + 2L * 20)).isEqualTo((short) 0x7bff); // 65504, the largest half
        assertThat(cache.keys[1].get(HalfRows.HALF, cache.kRow(1, 3, 0) + 2L * 2)).isEqualTo((short) 0x0001); // 2^-24, the smallest subnormal
        assertThat(cache.keys[1].get(HalfRows.HALF, cache.kRow(1, 3, 0) + 2L * 1)).isEqualTo((short) 0x8000); // -0
    }

    @Test
    void eachKvHeadsRowsFollowOneAnotherAndSurviveASlide() {
        // 3 KV heads of 32, one sliding layer (window 4, steps of 1: 2·4 + 1 = 9 rows) and one full layer
        ModelConfig c = new ModelConfig("llama", 96, 2, 3, 3, 32, 32, 64, 32, 64, 1e-5f, 10000f, 2, 1f);
        KvCache cache = new KvCache(c, 64, CacheOptions.DEFAULT, new int[] {4, 0}, 1);
        float[] k = new float[96], v = new float[96];
        for (int pos = 0; pos <= 20; pos++) {
            for (int i = 0; i < 96; i++) {
                k[i] = pos * 96 + i;  // distinct integers below 2048: exact in float16
                v[i] = -(pos * 96 + i);
            }
            for (int layer = 0; layer < 2; layer++) cache.store(layer, pos, k, 0, v, 0);
        }
        assertThat(cache.base[0]).isPositive(); // the sliding layer has moved its rows
        assertThat(cache.base[1]).isZero();
        float[] back = new float[32];
        for (int layer = 0; layer < 2; layer++)
            for (int pos = 20 - 3; pos <= 20; pos++)
                for (int g = 0; g < 3; g++) {
                    int row = pos - cache.base[layer];
                    assertThat(cache.kRow(layer, row + 1, g) - cache.kRow(layer, row, g)).isEqualTo(cache.kRowBytes);
                    HalfRows.widen(cache.keys[layer], cache.kRow(layer, row, g), back, 0, 32);
                    for (int i = 0; i < 32; i++) assertThat(back[i]).as("layer %d position %d head %d key %d", layer, pos, g, i).isEqualTo(pos * 96 + g * 32 + i);
                    HalfRows.widen(cache.values[layer], cache.vRow(layer, row, g), back, 0, 32);
                    for (int i = 0; i < 32; i++) assertThat(back[i]).as("layer %d position %d head %d value %d", layer, pos, g, i).isEqualTo(-(pos * 96 + g * 32 + i));
                }
    }

    @Test
    void everyFiniteHalfWidensExactlyThroughTheShortcut() {
        MemorySegment all = Arena.ofAuto().allocate(2L * 65536, 64);
        int finite = 0;
        for (int h = 0; h < 65536; h++) if (!HalfRows.nonFinite((short) h)) all.set(HalfRows.HALF, 2L * finite++, (short) h);
        assertThat(finite).isEqualTo(65536 - 2 * 1024);
        float[] want = new float[finite], got = new float[finite], viaAxpy = new float[finite], ref = new float[finite];
        HalfRows.widen(all, 0, want, 0, finite);
        for (int i = 0; i < finite; i++) got[i] = HalfRows.scaledDown(all, 2L * i) * HalfRows.SCALE;
        HalfRows.axpy(HalfRows.SCALE, all, 0, viaAxpy, 0, finite); // vector lanes: 0 + 1·h
        FloatOps.axpy(1f, want, 0, ref, 0, finite);
        for (int i = 0; i < finite; i++) {
            assertThat(Float.floatToRawIntBits(got[i])).as("half %04x", all.get(HalfRows.HALF, 2L * i)).isEqualTo(Float.floatToRawIntBits(want[i]));
            assertThat(Float.floatToRawIntBits(viaAxpy[i])).as("half %04x", all.get(HalfRows.HALF, 2L * i)).isEqualTo(Float.floatToRawIntBits(ref[i]));
        }
    }

    @Test
    void kernelsOnHalvesEqualTheFloatKernelsOnTheWidenedRows() {
        SplittableRandom rnd = new SplittableRandom(11);
        // 1 .. 40, then every 17th up to 200, and the whole steps of 64 that dotSteps takes
        int[] sizes = java.util.stream.IntStream.concat(java.util.stream.IntStream.iterate(1, n -> n <= 200, n -> n + (n < 40 ? 1 : 17)),
                java.util.stream.IntStream.of(64, 128, 192)).toArray();
        for (int n : sizes) {
            for (int trial = 0; trial < 20; trial++) {
                float[] x = new float[n + 1], q = new float[n], y = new float[n];
                for (int i = 0; i < x.length; i++)
                    x[i] = rnd.nextInt(8) == 0 ? EDGES[rnd.nextInt(EDGES.length)] : (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(-20, 12)));
                for (int i = 0; i < n; i++) {
                    q[i] = f16((float) (rnd.nextGaussian() * 4)); // a query as the attention kernels round it
                    y[i] = f16((float) rnd.nextGaussian());
                }
                MemorySegment h = halves(x);
                int off = trial % 2; // rows start at an even or an odd half
                float[] w = new float[n];
                HalfRows.widen(h, 2L * off, w, 0, n);
                float[] qs = q.clone();
                for (int i = 0; i < n; i++) qs[i] *= HalfRows.SCALE;
                assertThat(Float.floatToRawIntBits(HalfRows.dot(qs, 0, h, 2L * off, n)))
                        .as("dot n=%d", n).isEqualTo(Float.floatToRawIntBits(FloatOps.dot(q, 0, w, 0, n)));
                if (n % 64 == 0) {
                    float steps = FloatOps.dotSteps(q, 0, w, 0, n);
                    assertThat(Float.floatToRawIntBits(HalfRows.dotSteps(qs, 0, h, 2L * off, n))).as("dotSteps n=%d", n).isEqualTo(Float.floatToRawIntBits(steps));
                    assertThat(Float.floatToRawIntBits(steps)).as("dotSteps n=%d against ggml's order", n).isEqualTo(Float.floatToRawIntBits(ggmlDotF16(q, w, n)));
                }

                float a = trial == 0 ? 0f : trial == 1 ? 1f : trial == 2 ? 0x1p-140f : (float) rnd.nextDouble();
                float[] got = y.clone(), want = y.clone();
                HalfRows.axpy(a * HalfRows.SCALE, h, 2L * off, got, 0, n);
                FloatOps.axpy(a, w, 0, want, 0, n);
                assertThat(got).as("axpy n=%d a=%s", n, a).containsExactly(want);

                float[] acc = y.clone(), accWant = y.clone();
                HalfAccumulator.fma(a * HalfRows.SCALE, h, 2L * off, acc, n);
                HalfAccumulator.fma(a, w, 0, accWant, n);
                assertThat(acc).as("f16 fma n=%d a=%s", n, a).containsExactly(accWant);
            }
        }
    }

    @Test
    void dotSteps4IsDotStepsOfEachOperandAndRow() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int n : new int[] {64, 128, 192})
            for (int count : new int[] {16, 5, 1}) {
                long stride = 2L * n + 6; // rows apart by more than their length, at odd halves
                float[] x = new float[(int) (16 * stride / 2) + 1];
                for (int i = 0; i < x.length; i++)
                    x[i] = rnd.nextInt(8) == 0 ? EDGES[rnd.nextInt(EDGES.length)] : (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(-20, 12)));
                MemorySegment h = halves(x);
                float[][] a = new float[4][n];
                for (float[] q : a) for (int i = 0; i < n; i++) q[i] = f16((float) (rnd.nextGaussian() * 4)) * HalfRows.SCALE;
                float[] dst = new float[64], lanes = new float[1024];
                java.util.Arrays.fill(dst, Float.NaN);
                HalfRows.dotSteps4(a[0], a[1], a[2], a[3], h, 2, stride, count, n, lanes, dst, 0);
                for (int i = 0; i < 4; i++)
                    for (int r = 0; r < 16; r++) {
                        float want = r < count ? HalfRows.dotSteps(a[i], 0, h, 2 + r * stride, n) : 0f;
                        assertThat(Float.floatToRawIntBits(dst[16 * i + r])).as("n=%d count=%d operand %d row %d", n, count, i, r).isEqualTo(Float.floatToRawIntBits(want));
                    }
            }
    }

    /**
     * The readers' exact path (rows widened with Float.float16ToFloat, taken when a layer ever stored ±infinity or
     * NaN, or when a tiled query is too large to scale) and their shortcut give the same attention output bit for
     * bit, in every flavour: -fa 0 (F16 and Q8_0 K); flash attention in tiles (a step of 80 tokens), one position
     * at a time (a step of 16, and a Q8_0 K with an F16 V), split over the cells (one token at position 700).
     * (At the attention kernels, not through a whole model: the model's SwiGLU uses the Vector API's EXP, whose
     * last bit differs between interpreted and C2-compiled code, so two sessions' logits can differ by JIT timing.)
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-fa 0", "-fa 0 -ctk q8_0", "-fa 1", "-fa 1 -ctk q8_0"})
    void exactAndShortcutReadersGiveTheSameAttention(String flags) {
        CacheOptions o = CacheOptions.resolve(flags.contains("-fa 1") ? "on" : "off", flags.contains("q8_0") ? "q8_0" : "f16", "f16");
        ModelConfig c = new ModelConfig("llama", 512, 2, 8, 2, 64, 64, 1024, 256, 4096, 1e-5f, 10000f, 64, 1f);
        SplittableRandom rnd = new SplittableRandom(21);
        KvCache fast = new KvCache(c, 768, o), exact = new KvCache(c, 768, o);
        float[] k = new float[c.kvDimK()], v = new float[c.kvDimV()];
        for (int pos = 0; pos < 701; pos++) {
            for (int i = 0; i < k.length; i++) k[i] = (float) (rnd.nextGaussian() * (i % 7 == 0 ? 1e-5 : 2)); // some subnormal halves
            for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * (i % 5 == 0 ? 1e-6 : 1));
            for (int l = 0; l < 2; l++) {
                fast.store(l, pos, k, 0, v, 0);
                exact.store(l, pos, k, 0, v, 0);
            }
        }
        java.util.Arrays.fill(exact.nonFinite, true);
        try (ComputePool pool = new ComputePool(2)) {
            Workspace ws = new Workspace(c, pool.threads(), 80, 768);
            for (int[] step : new int[][] {{620, 80}, {600, 16}, {700, 1}, {3, 5}}) {
                int first = step[0], n = step[1];
                float[] q = new float[n * c.qDim()];
                for (int i = 0; i < q.length; i++) q[i] = (float) (rnd.nextGaussian() * 3);
                int[] positions = java.util.stream.IntStream.range(first, first + n).toArray();
                float[] outFast = new float[n * c.heads() * c.headDimV()], outExact = outFast.clone();
                for (int l = 0; l < 2; l++) {
                    KvCache[] fc = new KvCache[n], ec = new KvCache[n];
                    java.util.Arrays.fill(fc, fast);
                    java.util.Arrays.fill(ec, exact);
                    if (o.flashAttention()) {
                        FlashAttention.attend(c, pool, ws, new Batch(new int[n], fc, positions, new int[0]), l, q, outFast, 0.125f, 0f, 0);
                        FlashAttention.attend(c, pool, ws, new Batch(new int[n], ec, positions, new int[0]), l, q, outExact, 0.125f, 0f, 0);
                    } else {
                        Attention.attend(c, pool, ws, new Batch(new int[n], fc, positions, new int[0]), l, q, outFast);
                        Attention.attend(c, pool, ws, new Batch(new int[n], ec, positions, new int[0]), l, q, outExact);
                    }
                    boolean same = java.util.Arrays.equals(outFast, outExact); // bit for bit (Float.equals)
                    assertThat(same).as("%s, layer %d, %d tokens from %d", flags, l, n, first).isTrue();
                    assertThat(outFast).as("non-zero output").isNotEqualTo(new float[outFast.length]);
                }
            }
        }
    }

    @Test
    void nonFiniteValuesAreRecordedAndForgottenWhenTheCacheStartsOver() {
        ModelConfig c = new ModelConfig("llama", 64, 3, 2, 1, 32, 32, 64, 32, 64, 1e-5f, 10000f, 2, 1f);
        KvCache cache = new KvCache(c, 8);
        float[] row = new float[32];
        cache.store(0, 0, row, 0, row, 0);
        row[5] = 70000f; // past the largest half: +infinity
        cache.store(1, 0, row, 0, new float[32], 0);
        float[] nan = new float[32];
        nan[31] = Float.NaN;
        cache.store(2, 0, new float[32], 0, nan, 0);
        assertThat(cache.nonFinite).containsExactly(false, true, true);
        float[] back = new float[32];
        HalfRows.widen(cache.keys[1], 0, back, 0, 32);
        assertThat(back[5]).isEqualTo(Float.POSITIVE_INFINITY);
        HalfRows.widen(cache.values[2], 0, back, 0, 32);
        assertThat(back[31]).isNaN();
        cache.truncate(1);
        assertThat(cache.nonFinite).containsExactly(false, true, true);
        cache.truncate(0);
        assertThat(cache.nonFinite).containsOnly(false);
    }

    @Test
    void anF16CacheTakesTwoBytesPerValue() {
        CacheOptions f16 = CacheOptions.DEFAULT;
        // llama.cpp's llama_kv_cache for Llama-3.2-1B at -c 32768: "size = 1024.00 MiB (32768 cells, 16 layers, 1/1 seqs), K (f16): 512.00 MiB, V (f16): 512.00 MiB"
        assertThat(KvCache.bytesPerPosition(LLAMA_1B, f16)).isEqualTo(16L * 2 * 512 * 2);
        assertThat(KvCache.bytesPerPosition(LLAMA_1B, f16) * 32768).isEqualTo(1L << 30);
        KvCache cache = new KvCache(LLAMA_1B, 1024, f16);
        long allocated = 0;
        for (int l = 0; l < LLAMA_1B.layers(); l++) allocated += cache.keys[l].byteSize() + cache.values[l].byteSize();
        assertThat(cache.bytes()).isEqualTo(1024L * 16 * 2 * 512 * 2).isEqualTo(allocated).isEqualTo(cache.ggmlBytes());
        // Q8_0 rows are unchanged: 34 bytes per 32 values
        CacheOptions q8 = new CacheOptions(true, KvCacheType.Q8_0, KvCacheType.Q8_0);
        assertThat(KvCache.bytesPerPosition(LLAMA_1B, q8)).isEqualTo(16L * 2 * 512 / 32 * 34);
        CacheOptions mixed = new CacheOptions(true, KvCacheType.Q8_0, KvCacheType.F16);
        assertThat(new KvCache(LLAMA_1B, 256, mixed).bytes()).isEqualTo(256L * 16 * (512 / 32 * 34 + 512 * 2));
    }

    /**
     * ggml_vec_dot_f16's float part on an AVX-512 machine without float16 arithmetic (vec.cpp, simd-mappings.h
     * GGML_F16_STEP 64, GGML_F16_EPR 16), one lane at a time: sum[j] lane l accumulates x[64i + 16j + l]·y[..] by FMA;
     * then sum[0] + sum[2], sum[1] + sum[3], their sum, and _mm512_reduce_add_ps's halves (8, 4, 2, 1).
     */
    private static float ggmlDotF16(float[] x, float[] y, int n) {
        float[][] sum = new float[4][16];
        for (int i = 0; i < n; i += 64)
            for (int j = 0; j < 4; j++)
                for (int l = 0; l < 16; l++) sum[j][l] = Math.fma(x[i + 16 * j + l], y[i + 16 * j + l], sum[j][l]);
        float[] r = new float[16];
        for (int l = 0; l < 16; l++) r[l] = (sum[0][l] + sum[2][l]) + (sum[1][l] + sum[3][l]);
        for (int half = 8; half >= 1; half /= 2) for (int l = 0; l < half; l++) r[l] += r[l + half];
        return r[0];
    }
}
