package dev.hearth.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The part of quantize_row_q4_K_ref and quantize_row_q5_K_ref that the two share (ggml-quants.c):
 * 8 sub-blocks of 32, each fitted with make_qkx2_quants (weights av_x + |x| where av_x is the
 * sub-block's RMS, squared error), the 8 scales and 8 mins quantized to 6 bits against their maxima
 * (d = max_scale/63, dmin = max_min/63), then levels recomputed with the quantized values.
 */
final class KQuantAsym {
    private KQuantAsym() {}

    /** Writes d, dmin and the 12 scale bytes; returns the 256 levels (0..nmax) for the caller to pack. */
    static int[] quantize(float[] x, int xOff, MemorySegment dst, long dOff, long dminOff, long scalesOff,
                          int nmax, float rmin, float rdelta, int nstep) {
        int[] levels = new int[256];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        float[] theMin = new float[1];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            int base = xOff + 32 * j;
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) sumX2 += x[base + l] * x[base + l];
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(x[base + l]);
            scales[j] = KQuantSearch.makeQkx2Quants(32, nmax, x, base, weights, levels, 32 * j, theMin,
                    rmin, rdelta, nstep, false);
            mins[j] = theMin[0];
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        int[] ls = new int[8];
        int[] lm = new int[8];
        for (int j = 0; j < 8; j++) {
            // ggml converts to uint8_t before the MIN(63, .): keep the low 8 bits first
            ls[j] = Math.min(63, QuantMath.nearestInt(invScale * scales[j]) & 0xFF);
            lm[j] = Math.min(63, QuantMath.nearestInt(invMin * mins[j]) & 0xFF);
        }
        MemorySegment.copy(KScales.packScaleMinK4(ls, lm), 0, dst, ValueLayout.JAVA_BYTE, scalesOff, 12);
        Blocks.putHalf(dst, dOff, maxScale / 63.f);
        Blocks.putHalf(dst, dminOff, maxMin / 63.f);

        float d = Blocks.half(dst, dOff);
        float dmin = Blocks.half(dst, dminOff);
        int[] sm = new int[2];
        for (int j = 0; j < 8; j++) {
            KScales.scaleMinK4(dst, scalesOff, j, sm);
            float dj = d * sm[0];
            if (dj == 0) continue;
            float dm = dmin * sm[1];
            for (int i = 0; i < 32; i++) {
                int l = QuantMath.nearestInt((x[xOff + 32 * j + i] + dm) / dj);
                levels[32 * j + i] = Math.max(0, Math.min(nmax, l));
            }
        }
        return levels;
    }
}
