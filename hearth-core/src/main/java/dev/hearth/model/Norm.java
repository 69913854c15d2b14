package dev.hearth.model;

import dev.hearth.tensor.FloatOps;

/**
 * A normalization of one activation row with its learned weight (and, for LayerNorm, bias):
 * RMSNorm ({@code ggml_rms_norm}, then × weight) or LayerNorm ({@code ggml_norm}, then × weight + bias).
 */
record Norm(Kind kind, float[] weight, float[] bias, float eps) {
    enum Kind { RMS, LAYER }

    static Norm rms(float[] weight, float eps) {
        return new Norm(Kind.RMS, weight, null, eps);
    }

    String describe() {
        return (kind == Kind.RMS ? "RMSNorm" : "LayerNorm" + (bias != null ? " with bias" : " without bias")) + ", eps " + eps;
    }

    /** out[outOff ..] = norm(x[xOff ..]) over {@code n} elements; out may be x (in place). */
    void apply(float[] out, int outOff, float[] x, int xOff, int n) {
        switch (kind) {
            case RMS -> FloatOps.rmsNorm(out, outOff, x, xOff, weight, n, eps);
            case LAYER -> FloatOps.layerNorm(out, outOff, x, xOff, weight, bias, n, eps);
        }
    }
}
