package dev.hearth.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A bounds-checked little-endian cursor over a GGUF header: every read is checked against the file's end. */
final class GgufReader {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int MAX_NESTING = 8;

    private final MemorySegment seg;
    private final Path path;
    private long pos;

    GgufReader(MemorySegment seg, Path path) {
        this.seg = seg;
        this.path = path;
    }

    long position() {
        return pos;
    }

    GgufFormatException error(String problem) {
        return new GgufFormatException(path + ": " + problem);
    }

    private long remaining() {
        return seg.byteSize() - pos;
    }

    private void need(long bytes, String what) {
        if (bytes < 0 || bytes > remaining())
            throw error("truncated header: the file ends while reading " + what + " (at byte " + pos + ")");
    }

    /** Refuses counts that cannot possibly fit in what is left of the file, before anything is allocated for them. */
    void checkCount(long count, int minBytesEach, String what) {
        if (count < 0 || count > Integer.MAX_VALUE - 8 || count * minBytesEach > seg.byteSize())
            throw error("absurd number of " + what + ": " + Long.toUnsignedString(count) + " (the file has " + seg.byteSize() + " bytes)");
        if (count * minBytesEach > remaining())
            throw error("truncated header: " + count + " " + what + " cannot fit in the " + remaining() + " bytes left");
    }

    int i32(String what) {
        need(4, what);
        int v = seg.get(I32, pos);
        pos += 4;
        return v;
    }

    long u64(String what) {
        need(8, what);
        long v = seg.get(I64, pos);
        pos += 8;
        if (v < 0) throw error("absurd value " + Long.toUnsignedString(v) + " for " + what);
        return v;
    }

    /** A length-prefixed UTF-8 string. Called for every token of a 150K vocabulary: no message is built unless it fails. */
    String string(String what) {
        if (remaining() < 8) need(8, "length of " + what);
        long len = seg.get(I64, pos);
        pos += 8;
        if (len < 0 || len > remaining() || len > Integer.MAX_VALUE - 8)
            throw error("absurd string length " + Long.toUnsignedString(len) + " for " + what + " (the file has " + remaining() + " bytes left)");
        byte[] b = new byte[(int) len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, (int) len);
        pos += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    GgufValueType valueType(String what) {
        int id = i32("type of " + what);
        GgufValueType t = GgufValueType.byId(id);
        if (t == null) throw error("unknown value type " + id + " for " + what);
        return t;
    }

    Object value(GgufValueType type, String key) {
        return value(type, key, 0);
    }

    private Object value(GgufValueType type, String key, int depth) {
        String what = "metadata '" + key + "'";
        return switch (type) {
            case UINT8 -> { need(1, what); yield (long) (seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF); }
            case INT8 -> { need(1, what); yield (long) seg.get(ValueLayout.JAVA_BYTE, pos++); }
            case UINT16 -> { need(2, what); long v = seg.get(I16, pos) & 0xFFFF; pos += 2; yield v; }
            case INT16 -> { need(2, what); long v = seg.get(I16, pos); pos += 2; yield v; }
            case UINT32 -> (long) i32(what) & 0xFFFFFFFFL;
            case INT32 -> (long) i32(what);
            case UINT64, INT64 -> { need(8, what); long v = seg.get(I64, pos); pos += 8; yield v; }
            case FLOAT32 -> { need(4, what); float v = seg.get(F32, pos); pos += 4; yield v; }
            case FLOAT64 -> { need(8, what); double v = seg.get(F64, pos); pos += 8; yield v; }
            case BOOL -> { need(1, what); byte b = seg.get(ValueLayout.JAVA_BYTE, pos++); yield b != 0; }
            case STRING -> string(what);
            case ARRAY -> array(key, depth);
        };
    }

    private GgufArray array(String key, int depth) {
        if (depth >= MAX_NESTING) throw error("metadata '" + key + "' nests arrays too deeply");
        String what = "metadata '" + key + "'";
        GgufValueType et = valueType("elements of " + what);
        long n = u64("length of " + what);
        checkCount(n, et == GgufValueType.STRING ? 8 : et == GgufValueType.ARRAY ? 12 : et.minBytes, "elements in " + what);
        int count = (int) n;
        Object values = switch (et) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64, BOOL -> {
                long[] a = new long[count];
                for (int i = 0; i < count; i++) a[i] = et == GgufValueType.BOOL ? (((Boolean) value(et, key, depth)) ? 1 : 0) : (Long) value(et, key, depth);
                yield a;
            }
            case FLOAT32 -> {
                float[] a = new float[count];
                need(4L * count, what);
                MemorySegment.copy(seg, F32, pos, a, 0, count);
                pos += 4L * count;
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[count];
                need(8L * count, what);
                MemorySegment.copy(seg, F64, pos, a, 0, count);
                pos += 8L * count;
                yield a;
            }
            case STRING -> {
                String[] a = new String[count];
                for (int i = 0; i < count; i++) a[i] = string(what);
                yield a;
            }
            case ARRAY -> {
                List<GgufArray> l = new ArrayList<>(count);
                for (int i = 0; i < count; i++) l.add(array(key, depth + 1));
                yield l;
            }
        };
        return new GgufArray(et, values);
    }
}
