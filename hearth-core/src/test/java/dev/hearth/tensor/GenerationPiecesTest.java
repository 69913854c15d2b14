package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.gguf.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Generation's matrix-vector products are shared out in pieces the threads claim ({@link ComputePool#claim}):
 * every piece is claimed once per job, the count restarts with each job, and the products are each row's
 * dot to the bit however the rows fall into pieces and matrices.
 */
class GenerationPiecesTest {
    @Test
    void everyNumberIsClaimedOncePerJobAndTheCountRestarts() {
        try (ComputePool pool = new ComputePool(3)) {
            for (int job = 0; job < 20; job++) {
                ConcurrentHashMap<Integer, Integer> owner = new ConcurrentHashMap<>();
                AtomicInteger claimed = new AtomicInteger();
                pool.run((t, nt) -> {
                    for (int c; (c = pool.claim()) < 100; ) {
                        assertThat(owner.putIfAbsent(c, t)).as("piece %d claimed twice", c).isNull();
                        claimed.incrementAndGet();
                    }
                });
                assertThat(claimed.get()).isEqualTo(100);
                assertThat(owner.keySet()).hasSize(100).allMatch(c -> c >= 0 && c < 100);
            }
        }
    }

    @Test
    void aSmallJobTheCallerRunsAloneStillClaimsFromZero() {
        try (ComputePool pool = new ComputePool(2)) {
            pool.run((t, nt) -> {
                while (pool.claim() < 7) {}
            });
            AtomicInteger claimed = new AtomicInteger();
            pool.run(ComputePool.MIN_PARALLEL_WORK - 1, (t, nt) -> {
                assertThat(nt).isEqualTo(1);
                for (int c; (c = pool.claim()) < 5; ) assertThat(c).isEqualTo(claimed.getAndIncrement());
            });
            assertThat(claimed.get()).isEqualTo(5);
        }
    }

    @Test
    void stackedMatricesInPiecesAreDotPerRow() {
        int cols = 256;
        for (GgmlType type : new GgmlType[] {GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0}) {
            TypeOps ops = TypeOps.of(type);
            int[] rowCounts = {131, 70, 259};
            Tensor[] ws = new Tensor[rowCounts.length];
            for (int i = 0; i < ws.length; i++) {
                long rb = type.bytesFor(cols);
                MemorySegment data = TestData.segment(rb * rowCounts[i]);
                for (int r = 0; r < rowCounts[i]; r++) ops.quantize(TestData.row(TestData.Shape.GAUSSIAN, cols, 100 * i + r), 0, data, r * rb, cols);
                ws[i] = new Tensor("w" + i, type, new long[] {cols, rowCounts[i]}, data);
            }
            for (int threads : new int[] {1, 3}) {
                try (ComputePool pool = new ComputePool(threads)) {
                    EncodedRows x = new EncodedRows().encode(pool, ops.dotType(), TestData.row(TestData.Shape.OUTLIERS, cols, 7), 1, cols);
                    float[][] ys = new float[ws.length][];
                    for (int i = 0; i < ws.length; i++) ys[i] = new float[rowCounts[i] + 3];
                    MatMul.multiply(pool, ws, x, ys, new int[] {1, 2, 3}, new int[] {0, 0, 0});
                    for (int i = 0; i < ws.length; i++)
                        for (int r = 0; r < rowCounts[i]; r++)
                            assertThat(Float.floatToRawIntBits(ys[i][i + 1 + r])).as("%s, %d threads, matrix %d row %d", type, threads, i, r)
                                    .isEqualTo(Float.floatToRawIntBits(ops.dot(ws[i].data(), r * type.bytesFor(cols), x.segment(), 0, cols)));
                }
            }
        }
    }
}
