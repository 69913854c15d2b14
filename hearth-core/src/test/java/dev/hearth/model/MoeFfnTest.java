package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mixture-of-experts block reads only the experts it chose: the experts no token chooses live in
 * memory that is already freed, so touching any byte of them throws. (Its numbers are checked against
 * llama.cpp by {@link MoeAgreementTest}.)
 */
class MoeFfnTest {
    static final int EMBD = 64, FFN = 32, EXPERTS = 8, USED = 2;
    static ComputePool pool;

    @BeforeAll
    static void setUp() {
        pool = new ComputePool(2);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    /** Router rows: experts 2 and 5 respond strongly to every input of positive entries, the rest not at all. */
    static MoeFfn block(Arena live, MemorySegment freed) {
        float[] router = new float[EXPERTS * EMBD];
        for (int j = 0; j < EMBD; j++) {
            router[2 * EMBD + j] = 0.5f;
            router[5 * EMBD + j] = 0.4f;
        }
        Tensor[][] w = new Tensor[3][EXPERTS];
        SplittableRandom r = new SplittableRandom(1);
        String[] names = {"gate", "up", "down"};
        for (int m = 0; m < 3; m++) {
            int cols = m == 2 ? FFN : EMBD, rows = m == 2 ? EMBD : FFN;
            for (int e = 0; e < EXPERTS; e++) {
                MemorySegment seg;
                if (e == 2 || e == 5) {
                    seg = live.allocate(4L * cols * rows);
                    for (int i = 0; i < cols * rows; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() - 0.5));
                } else {
                    seg = freed; // any read throws IllegalStateException
                }
                w[m][e] = new Tensor(names[m] + e, GgmlType.F32, new long[] {cols, rows}, seg);
            }
        }
        MemorySegment rs = live.allocate(4L * router.length);
        MemorySegment.copy(router, 0, rs, ValueLayout.JAVA_FLOAT, 0, router.length);
        Tensor rt = new Tensor("router", GgmlType.F32, new long[] {EMBD, EXPERTS}, rs);
        ModelConfig c = new ModelConfig("llama", EMBD, 1, 1, 1, EMBD, EMBD, FFN, 16, 64, 1e-5f, 10000f, EMBD, 1f);
        MoeFfn.Params p = new MoeFfn.Params(EXPERTS, USED, FFN, true, 0f, MoeFfn.Gating.SOFTMAX);
        return new MoeFfn(c, p, rt, null, w[0], w[1], w[2], null);
    }

    static MemorySegment freedSegment() {
        Arena a = Arena.ofConfined();
        MemorySegment s = a.allocate(4L * EMBD * FFN);
        a.close();
        return s;
    }

    @Test
    void readsOnlyTheChosenExperts() {
        MemorySegment freed = freedSegment();
        assertThatThrownBy(() -> freed.get(ValueLayout.JAVA_FLOAT, 0)).isInstanceOf(IllegalStateException.class);
        try (Arena live = Arena.ofShared()) {
            MoeFfn moe = block(live, freed);
            for (int n : new int[] {1, 5, 16}) { // one token (generation) and batches (grouped by expert, GEMM from 8 rows)
                MoeFfn.Scratch s = new MoeFfn.Scratch(new MoeFfn.Params(EXPERTS, USED, FFN, true, 0f, MoeFfn.Gating.SOFTMAX), EMBD, 16);
                float[] x = new float[n * EMBD], out = new float[n * EMBD];
                SplittableRandom r = new SplittableRandom(n);
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble() + 0.1f;
                moe.forward(pool, s, x, n, EMBD, out);
                for (int t = 0; t < n; t++) {
                    assertThat(new int[] {s.chosen[t * USED], s.chosen[t * USED + 1]}).containsExactly(2, 5);
                    assertThat(s.weights[t * USED] + s.weights[t * USED + 1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
                }
                float sum = 0;
                for (float v : out) sum += Math.abs(v);
                assertThat(sum).as("the experts' output").isGreaterThan(0f);
            }
        }
    }
}
