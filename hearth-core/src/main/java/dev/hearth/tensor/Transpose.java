package dev.hearth.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16×16 block of floats transposed in registers: four stages swap the off-diagonal sub-blocks of 8, 4, 2 and 1
 * (each stage 8 pairs of rows, two two-vector selections per pair). Moves values only.
 */
public final class Transpose {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    // stage b: the new row i takes lanes k with (k & b) == 0 from row i and the others from row i + b (lane k − b);
    // the new row i + b takes lanes k + b of row i where (k & b) == 0 and the others from row i + b
    private static final FloatVector A8 = first(8), B8 = second(8), A4 = first(4), B4 = second(4);
    private static final FloatVector A2 = first(2), B2 = second(2), A1 = first(1), B1 = second(1);

    private Transpose() {}

    private static FloatVector first(int b) {
        float[] x = new float[16];
        for (int k = 0; k < 16; k++) x[k] = (k & b) == 0 ? k : 16 + k - b;
        return FloatVector.fromArray(S, x, 0);
    }

    private static FloatVector second(int b) {
        float[] x = new float[16];
        for (int k = 0; k < 16; k++) x[k] = (k & b) == 0 ? k + b : 16 + k;
        return FloatVector.fromArray(S, x, 0);
    }

    /** dst[dOff + j·dStride + i] = src[sOff + i·sStride + j] for i, j in 0..15. */
    public static void of16(float[] src, int sOff, int sStride, float[] dst, int dOff, int dStride) {
        FloatVector r0 = FloatVector.fromArray(S, src, sOff), r1 = FloatVector.fromArray(S, src, sOff + sStride);
        FloatVector r2 = FloatVector.fromArray(S, src, sOff + 2 * sStride), r3 = FloatVector.fromArray(S, src, sOff + 3 * sStride);
        FloatVector r4 = FloatVector.fromArray(S, src, sOff + 4 * sStride), r5 = FloatVector.fromArray(S, src, sOff + 5 * sStride);
        FloatVector r6 = FloatVector.fromArray(S, src, sOff + 6 * sStride), r7 = FloatVector.fromArray(S, src, sOff + 7 * sStride);
        FloatVector r8 = FloatVector.fromArray(S, src, sOff + 8 * sStride), r9 = FloatVector.fromArray(S, src, sOff + 9 * sStride);
        FloatVector r10 = FloatVector.fromArray(S, src, sOff + 10 * sStride), r11 = FloatVector.fromArray(S, src, sOff + 11 * sStride);
        FloatVector r12 = FloatVector.fromArray(S, src, sOff + 12 * sStride), r13 = FloatVector.fromArray(S, src, sOff + 13 * sStride);
        FloatVector r14 = FloatVector.fromArray(S, src, sOff + 14 * sStride), r15 = FloatVector.fromArray(S, src, sOff + 15 * sStride);
        FloatVector t;
        // b = 8: pairs (i, i + 8)
        t = A8.selectFrom(r0, r8); r8 = B8.selectFrom(r0, r8); r0 = t;
        t = A8.selectFrom(r1, r9); r9 = B8.selectFrom(r1, r9); r1 = t;
        t = A8.selectFrom(r2, r10); r10 = B8.selectFrom(r2, r10); r2 = t;
        t = A8.selectFrom(r3, r11); r11 = B8.selectFrom(r3, r11); r3 = t;
        t = A8.selectFrom(r4, r12); r12 = B8.selectFrom(r4, r12); r4 = t;
        t = A8.selectFrom(r5, r13); r13 = B8.selectFrom(r5, r13); r5 = t;
        t = A8.selectFrom(r6, r14); r14 = B8.selectFrom(r6, r14); r6 = t;
        t = A8.selectFrom(r7, r15); r15 = B8.selectFrom(r7, r15); r7 = t;
        // b = 4: pairs (i, i + 4) within each half
        t = A4.selectFrom(r0, r4); r4 = B4.selectFrom(r0, r4); r0 = t;
        t = A4.selectFrom(r1, r5); r5 = B4.selectFrom(r1, r5); r1 = t;
        t = A4.selectFrom(r2, r6); r6 = B4.selectFrom(r2, r6); r2 = t;
        t = A4.selectFrom(r3, r7); r7 = B4.selectFrom(r3, r7); r3 = t;
        t = A4.selectFrom(r8, r12); r12 = B4.selectFrom(r8, r12); r8 = t;
        t = A4.selectFrom(r9, r13); r13 = B4.selectFrom(r9, r13); r9 = t;
        t = A4.selectFrom(r10, r14); r14 = B4.selectFrom(r10, r14); r10 = t;
        t = A4.selectFrom(r11, r15); r15 = B4.selectFrom(r11, r15); r11 = t;
        // b = 2
        t = A2.selectFrom(r0, r2); r2 = B2.selectFrom(r0, r2); r0 = t;
        t = A2.selectFrom(r1, r3); r3 = B2.selectFrom(r1, r3); r1 = t;
        t = A2.selectFrom(r4, r6); r6 = B2.selectFrom(r4, r6); r4 = t;
        t = A2.selectFrom(r5, r7); r7 = B2.selectFrom(r5, r7); r5 = t;
        t = A2.selectFrom(r8, r10); r10 = B2.selectFrom(r8, r10); r8 = t;
        t = A2.selectFrom(r9, r11); r11 = B2.selectFrom(r9, r11); r9 = t;
        t = A2.selectFrom(r12, r14); r14 = B2.selectFrom(r12, r14); r12 = t;
        t = A2.selectFrom(r13, r15); r15 = B2.selectFrom(r13, r15); r13 = t;
        // b = 1
        t = A1.selectFrom(r0, r1); r1 = B1.selectFrom(r0, r1); r0 = t;
        t = A1.selectFrom(r2, r3); r3 = B1.selectFrom(r2, r3); r2 = t;
        t = A1.selectFrom(r4, r5); r5 = B1.selectFrom(r4, r5); r4 = t;
        t = A1.selectFrom(r6, r7); r7 = B1.selectFrom(r6, r7); r6 = t;
        t = A1.selectFrom(r8, r9); r9 = B1.selectFrom(r8, r9); r8 = t;
        t = A1.selectFrom(r10, r11); r11 = B1.selectFrom(r10, r11); r10 = t;
        t = A1.selectFrom(r12, r13); r13 = B1.selectFrom(r12, r13); r12 = t;
        t = A1.selectFrom(r14, r15); r15 = B1.selectFrom(r14, r15); r14 = t;
        r0.intoArray(dst, dOff); r1.intoArray(dst, dOff + dStride); r2.intoArray(dst, dOff + 2 * dStride); r3.intoArray(dst, dOff + 3 * dStride);
        r4.intoArray(dst, dOff + 4 * dStride); r5.intoArray(dst, dOff + 5 * dStride); r6.intoArray(dst, dOff + 6 * dStride); r7.intoArray(dst, dOff + 7 * dStride);
        r8.intoArray(dst, dOff + 8 * dStride); r9.intoArray(dst, dOff + 9 * dStride); r10.intoArray(dst, dOff + 10 * dStride); r11.intoArray(dst, dOff + 11 * dStride);
        r12.intoArray(dst, dOff + 12 * dStride); r13.intoArray(dst, dOff + 13 * dStride); r14.intoArray(dst, dOff + 14 * dStride); r15.intoArray(dst, dOff + 15 * dStride);
    }
}
