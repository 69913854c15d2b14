package dev.hearth.model;

import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.EncodedRows;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.GgmlType;
import dev.hearth.tensor.MatMul;
import dev.hearth.tensor.TypeOps;

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
            MatMul.Products p = MatMul.products();
            for (int m = i; m < j; m++) p.add(ws[m], outs[m], 0, ws[m].rowCount());
            p.run(pool, enc);
            i = j;
        }
        for (int m = 0; m < ws.length; m++) addBias(outs[m], biases[m], n, ws[m].rowCount());
    }

    /** {@link #project} of one matrix: out = w · in (+ bias). */
    static void project(ComputePool pool, EncodedRows enc, float[] in, int n, int inDim, Tensor w, float[] bias, float[] out) {
        GgmlType dotType = TypeOps.of(w.type()).dotType();
        enc.encode(pool, dotType, in, n, inDim);
        MatMul.multiply(pool, w, enc, out, 0, w.rowCount());
        addBias(out, bias, n, w.rowCount());
    }

    /** out[t] += bias for each of the {@code n} rows of {@code outDim} (none when bias is null). */
    private static void addBias(float[] out, float[] bias, int n, int outDim) {
        if (bias == null) return;
        for (int t = 0; t < n; t++) FloatOps.add(out, t * outDim, bias, 0, outDim);
    }
}
