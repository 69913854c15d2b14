package dev.hearth.tensor;

import static dev.hearth.tensor.QuantMath.GROUP_MAX_EPS;
import static dev.hearth.tensor.QuantMath.nearestInt;

/**
 * The scale searches of ggml's K-quant reference quantizers (ggml-quants.c {@code make_qx_quants},
 * {@code make_q3_quants}, {@code make_qkx2_quants}), re-derived here in plain Java.
 *
 * <p>Byte-identical output needs the same float operations in the same order: every expression
 * below is evaluated left to right in float, as C does without -ffast-math (ggml-base is built
 * without FMA contraction: it is not compiled with -march=native), and rounding uses
 * {@link QuantMath#nearestInt} (ties to even). Each method works on {@code n} values
 * {@code x[xOff ..]} and writes the chosen levels to {@code levels[lOff ..]}.
 */
final class KQuantSearch {
    private KQuantSearch() {}

    /** How make_qx_quants weighs each value's squared error (its {@code rmse_type} 1). */
    static final int WEIGHT_X_SQUARED = 1;

    /**
     * Symmetric quantization to the signed levels [-nmax, nmax-1], stored offset by +nmax.
     * Starts from scale -max/nmax (so the largest magnitude maps to -nmax exactly), then, for
     * weightType 1 (weights x²), tries 18 nearby scales (nmax ± 0.1·k, k = ±1..±9) and keeps the one
     * with the best weighted least-squares fit, returning that least-squares scale. Used by Q6_K with
     * nmax 32 and weightType 1. Only weightType 0 (plain rounding) and 1 are implemented.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xOff, int[] levels, int lOff, int weightType) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) levels[lOff + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        if (weightType == 0) {
            for (int i = 0; i < n; ++i) {
                int l = nearestInt(iscale * x[xOff + i]);
                levels[lOff + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
            }
            return 1 / iscale;
        }
        if (weightType != WEIGHT_X_SQUARED) throw new IllegalArgumentException("weightType " + weightType);
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xOff + i];
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
            levels[lOff + i] = l + nmax;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; ++is) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOff + i];
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            // compares sumlx²/suml2 (the fit's explained energy) against the best without dividing
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; ++i) {
                    int l = nearestInt(iscale * x[xOff + i]);
                    levels[lOff + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * Q3_K's symmetric search over levels [-nmax, nmax-1] (stored +nmax): rounds with scale
     * -max/nmax, then (doRmse) up to 5 passes of coordinate descent that move single levels when
     * that improves the x²-weighted least-squares fit; returns the least-squares scale.
     */
    static float makeQ3Quants(int n, int nmax, float[] x, int xOff, int[] levels, int lOff, boolean doRmse) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) levels[lOff + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        if (doRmse) {
            float sumlx = 0;
            float suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOff + i];
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
                levels[lOff + i] = l;
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            for (int itry = 0; itry < 5; ++itry) {
                int nChanged = 0;
                for (int i = 0; i < n; ++i) {
                    float xi = x[xOff + i];
                    int li = levels[lOff + i];
                    float w = xi * xi;
                    float slx = sumlx - w * xi * li;
                    if (slx > 0) {
                        float sl2 = suml2 - w * li * li;
                        int newL = Math.max(-nmax, Math.min(nmax - 1, nearestInt(xi * sl2 / slx)));
                        if (newL != li) {
                            slx += w * xi * newL;
                            sl2 += w * newL * newL;
                            if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                                levels[lOff + i] = newL;
                                sumlx = slx;
                                suml2 = sl2;
                                ++nChanged;
                            }
                        }
                    }
                }
                if (nChanged == 0) break;
            }
            for (int i = 0; i < n; ++i) levels[lOff + i] += nmax;
            return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
        }
        for (int i = 0; i < n; ++i) {
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[xOff + i])));
            levels[lOff + i] = l + nmax;
        }
        return 1 / iscale;
    }

    /**
     * Asymmetric (scale + min) search over levels [0, nmax] used by Q2_K, Q4_K and Q5_K: starts from
     * the min/max fit, then for nstep+1 candidate inverse scales (rmin + rdelta·is + nmax)/(max-min)
     * solves the weighted least-squares scale and min for the rounded levels, keeping the candidate
     * with the lowest weighted error (absolute error when useMad, squared otherwise). The min is
     * never positive. Returns the scale; stores -min (a non-negative offset) in {@code theMin[0]}.
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int xOff, float[] weights, int[] levels, int lOff,
                                float[] theMin, float rmin, float rdelta, int nstep, boolean useMad) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = weights[0];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; ++i) {
            float xi = x[xOff + i];
            if (xi < min) min = xi;
            if (xi > max) max = xi;
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; ++i) levels[lOff + i] = 0;
            theMin[0] = -min;
            return 0.f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xOff + i];
            int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (xi - min))));
            levels[lOff + i] = l;
            float diff = scale * l + min - xi;
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            theMin[0] = -min;
            return scale;
        }
        int[] candidate = new int[n];
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOff + i];
                int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (xi - min))));
                candidate[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * xi;
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; ++i) {
                    float diff = thisScale * candidate[i] + thisMin - x[xOff + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(candidate, 0, levels, lOff, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[0] = -min;
        return scale;
    }
}
