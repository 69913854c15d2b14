package dev.hearth.model;

import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.EncodedRows;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.GgmlType;
import dev.hearth.tensor.MatMul;
import dev.hearth.tensor.TypeOps;
import java.util.Arrays;

/** Matrix products of a batch of activation rows with weight matrices: the projections of every block. */
final class Linear {
    private Linear() {}

    /**
     * outs[i] = ws[i] · in (+ biases[i]) for {@code n} rows of {@code inDim}: the input is encoded once for
     * the weights' dot type, and matrices that share it (Q/K/V, gate/up) run in one dispatch.
     */
    static void project(ComputePool pool, EncodedRows enc, float[] in, int n, int inDim,
                        Tensor[] ws, float[][] biases, float[][] outs) {
        int i = 0;
        while (i < ws.length) {
            GgmlType dotType = TypeOps.of(ws[i].type()).dotType();
            int j = i + 1;
            while (j < ws.length && TypeOps.of(ws[j].type()).dotType() == dotType) j++;
            if (enc.type() != dotType || i == 0) enc.encode(pool, dotType, in, n, inDim);
            int[] offsets = new int[j - i], ldys = new int[j - i];
            for (int m = i; m < j; m++) ldys[m - i] = ws[m].rowCount();
            MatMul.multiply(pool, Arrays.copyOfRange(ws, i, j), enc, Arrays.copyOfRange(outs, i, j), offsets, ldys);
            i = j;
        }
        for (int m = 0; m < ws.length; m++) {
            if (biases[m] == null) continue;
            int outDim = ws[m].rowCount();
            for (int t = 0; t < n; t++) FloatOps.add(outs[m], t * outDim, biases[m], 0, outDim);
        }
    }
}
