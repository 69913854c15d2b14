package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;

/** F32: little-endian IEEE floats; dots against F32 (ggml-cpu.c: vec_dot_type F32). */
class F32Ops extends BlockOps {
    F32Ops() {
        super(GgmlType.F32, GgmlType.F32);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        dst[dstOff] = f32(src, off);
    }

    @Override
    void quantizeBlock(float[] src, int srcOff, MemorySegment dst, long off) {
        dst.set(FLOAT_LE, off, src[srcOff]);
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        return f32(w, wOff) * f32(a, aOff);
    }

    /** As ggml_vec_dot_f32's scalar path: float products summed in double (ggml_float). */
    @Override
    public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += f32(w, wOffset + 4L * i) * f32(a, aOffset + 4L * i);
        return (float) sum;
    }
}
