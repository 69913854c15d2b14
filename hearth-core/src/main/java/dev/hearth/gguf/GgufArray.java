package dev.hearth.gguf;

import java.util.List;

/**
 * A metadata array. Numeric arrays are held as primitive arrays (vocabularies have 100K+ scores),
 * strings as a String[], nested arrays as a list of GgufArray.
 *
 * @param elementType the type of the elements
 * @param values one of long[] (all integer types and BOOL as 0/1), float[] (FLOAT32), double[]
 *               (FLOAT64), String[] (STRING), List&lt;GgufArray&gt; (ARRAY)
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public int size() {
        return switch (values) {
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            case String[] a -> a.length;
            case List<?> l -> l.size();
            default -> throw new IllegalStateException();
        };
    }

    public String[] strings() {
        if (values instanceof String[] s) return s;
        throw new GgufFormatException("array of " + elementType + " where strings were expected");
    }

    public float[] floats() {
        return switch (values) {
            case float[] a -> a;
            case double[] a -> { float[] f = new float[a.length]; for (int i = 0; i < a.length; i++) f[i] = (float) a[i]; yield f; }
            case long[] a -> { float[] f = new float[a.length]; for (int i = 0; i < a.length; i++) f[i] = a[i]; yield f; }
            default -> throw new GgufFormatException("array of " + elementType + " where numbers were expected");
        };
    }

    public int[] ints() {
        return switch (values) {
            case long[] a -> { int[] r = new int[a.length]; for (int i = 0; i < a.length; i++) r[i] = (int) a[i]; yield r; }
            default -> throw new GgufFormatException("array of " + elementType + " where integers were expected");
        };
    }

    @Override
    public String toString() {
        return "[" + elementType + " x " + size() + "]";
    }
}
