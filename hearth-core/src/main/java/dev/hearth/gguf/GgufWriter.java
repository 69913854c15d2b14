package dev.hearth.gguf;

import dev.hearth.tensor.GgmlType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v3 files: metadata in insertion order, then tensors at aligned offsets.
 * Used for test models, and later by {@code quantize}/{@code convert}.
 */
public final class GgufWriter {
    private record Entry(GgufValueType type, Object value) {}
    private record PendingTensor(String name, GgmlType type, long[] shape, byte[] data) {}

    private final Map<String, Entry> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    public GgufWriter put(String key, GgufValueType type, Object value) {
        metadata.put(key, new Entry(type, value));
        if (key.equals("general.alignment")) alignment = ((Number) value).intValue();
        return this;
    }

    public GgufWriter putString(String key, String v) { return put(key, GgufValueType.STRING, v); }
    public GgufWriter putU32(String key, long v) { return put(key, GgufValueType.UINT32, v); }
    public GgufWriter putI32(String key, long v) { return put(key, GgufValueType.INT32, v); }
    public GgufWriter putF32(String key, float v) { return put(key, GgufValueType.FLOAT32, v); }
    public GgufWriter putBool(String key, boolean v) { return put(key, GgufValueType.BOOL, v); }
    public GgufWriter putStrings(String key, String[] v) { return put(key, GgufValueType.ARRAY, new GgufArray(GgufValueType.STRING, v)); }
    public GgufWriter putFloats(String key, float[] v) { return put(key, GgufValueType.ARRAY, new GgufArray(GgufValueType.FLOAT32, v)); }

    public GgufWriter putInts(String key, int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) l[i] = v[i];
        return put(key, GgufValueType.ARRAY, new GgufArray(GgufValueType.INT32, l));
    }

    /** Adds a tensor whose bytes are already encoded in {@code type}; shape[0] is the row length. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        if (type.id < 0) throw new IllegalArgumentException(name + ": " + type + " is Hearth's run-time activation format, not a GGUF tensor type");
        long n = 1;
        for (long d : shape) n *= d;
        if (type.bytesFor(n) != data.length)
            throw new IllegalArgumentException(name + ": " + data.length + " bytes given, " + type.bytesFor(n) + " expected");
        tensors.add(new PendingTensor(name, type, shape.clone(), data));
        return this;
    }

    /** Adds an F32 tensor. */
    public GgufWriter addTensor(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return addTensor(name, GgmlType.F32, shape, b.array());
    }

    public void write(Path path) {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            write(os);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(OutputStream os) throws IOException {
        LittleEndian out = new LittleEndian(os);
        out.i32(GgufFile.MAGIC);
        out.i32(3);
        out.i64(tensors.size());
        out.i64(metadata.size());
        for (var e : metadata.entrySet()) {
            out.string(e.getKey());
            out.i32(e.getValue().type.id);
            writeValue(out, e.getValue().type, e.getValue().value);
        }
        long offset = 0;
        for (PendingTensor t : tensors) {
            out.string(t.name);
            out.i32(t.shape.length);
            for (long d : t.shape) out.i64(d);
            out.i32(t.type.id);
            out.i64(offset);
            offset = GgufFile.align(offset + t.data.length, alignment);
        }
        out.pad(alignment);
        long start = out.written;
        for (PendingTensor t : tensors) {
            out.bytes(t.data);
            long end = GgufFile.align(out.written - start, alignment);
            while (out.written - start < end) out.byte0();
        }
    }

    private static void writeValue(LittleEndian out, GgufValueType type, Object v) throws IOException {
        switch (type) {
            case UINT8, INT8 -> out.byte1(((Number) v).intValue());
            case UINT16, INT16 -> out.i16(((Number) v).intValue());
            case UINT32, INT32 -> out.i32(((Number) v).intValue());
            case UINT64, INT64 -> out.i64(((Number) v).longValue());
            case FLOAT32 -> out.i32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case FLOAT64 -> out.i64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case BOOL -> out.byte1((Boolean) v ? 1 : 0);
            case STRING -> out.string((String) v);
            case ARRAY -> {
                GgufArray a = (GgufArray) v;
                out.i32(a.elementType().id);
                out.i64(a.size());
                switch (a.values()) {
                    case long[] l -> { for (long x : l) writeValue(out, a.elementType(), a.elementType() == GgufValueType.BOOL ? (Object) (x != 0) : (Object) x); }
                    case float[] f -> { for (float x : f) writeValue(out, GgufValueType.FLOAT32, x); }
                    case double[] d -> { for (double x : d) writeValue(out, GgufValueType.FLOAT64, x); }
                    case String[] s -> { for (String x : s) out.string(x); }
                    case List<?> l -> { for (Object x : l) writeValue(out, GgufValueType.ARRAY, x); }
                    default -> throw new IllegalArgumentException("bad array values");
                }
            }
        }
    }

    /** Little-endian primitive output that counts bytes, so padding can be computed. */
    private static final class LittleEndian {
        final OutputStream os;
        long written;
        final byte[] buf = new byte[8];

        LittleEndian(OutputStream os) { this.os = os; }

        void byte0() throws IOException { os.write(0); written++; }
        void byte1(int v) throws IOException { os.write(v); written++; }
        void i16(int v) throws IOException { buf[0] = (byte) v; buf[1] = (byte) (v >> 8); os.write(buf, 0, 2); written += 2; }
        void i32(int v) throws IOException { for (int i = 0; i < 4; i++) buf[i] = (byte) (v >> (8 * i)); os.write(buf, 0, 4); written += 4; }
        void i64(long v) throws IOException { for (int i = 0; i < 8; i++) buf[i] = (byte) (v >> (8 * i)); os.write(buf, 0, 8); written += 8; }
        void bytes(byte[] b) throws IOException { os.write(b); written += b.length; }
        void string(String s) throws IOException { byte[] b = s.getBytes(StandardCharsets.UTF_8); i64(b.length); bytes(b); }
        void pad(int alignment) throws IOException { while (written % alignment != 0) byte0(); }
    }
}
