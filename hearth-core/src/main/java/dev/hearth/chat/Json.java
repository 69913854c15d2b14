package dev.hearth.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps}, which HF's {@code tojson} filter calls with
 * {@code ensure_ascii=False}: item separator ", " without indent and "," with it, key separator ": ",
 * keys in insertion order, floats as Python repr, NaN/Infinity allowed.
 */
final class Json {

    private final String indent;      // null: single line
    private final String itemSep;
    private final String keySep;
    private final boolean sortKeys;
    private final boolean ensureAscii;
    private final StringBuilder out = new StringBuilder();

    private Json(String indent, String itemSep, String keySep, boolean sortKeys, boolean ensureAscii) {
        this.indent = indent;
        this.itemSep = itemSep;
        this.keySep = keySep;
        this.sortKeys = sortKeys;
        this.ensureAscii = ensureAscii;
    }

    static String dumps(Object v, String indent, String itemSep, String keySep, boolean sortKeys, boolean ensureAscii) {
        if (itemSep == null) itemSep = indent == null ? ", " : ",";
        if (keySep == null) keySep = ": ";
        Json j = new Json(indent, itemSep, keySep, sortKeys, ensureAscii);
        j.write(v, 0);
        return j.out.toString();
    }

    private void newline(int level) {
        if (indent == null) return;
        out.append('\n');
        for (int i = 0; i < level; i++) out.append(indent);
    }

    private void write(Object v, int level) {
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Double d -> out.append(floatText(d));
            case Number n -> out.append(n);
            case String s -> string(s);
            case PyTuple t -> list(t.items(), level);
            case PyRange r -> throw TemplateException.type("Object of type range is not JSON serializable");
            case PyDictView dv -> throw TemplateException.type("Object of type " + dv.kind.pythonName + " is not JSON serializable");
            case List<?> l -> list(l, level);
            case Map<?, ?> m -> map(m, level);
            default -> throw TemplateException.type("Object of type " + PyFormat.typeName(v) + " is not JSON serializable");
        }
    }

    private static String floatText(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return PyFormat.reprFloat(d);
    }

    private void list(List<?> l, int level) {
        if (l.isEmpty()) { out.append("[]"); return; }
        out.append('[');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) out.append(itemSep);
            newline(level + 1);
            write(l.get(i), level + 1);
        }
        newline(level);
        out.append(']');
    }

    private void map(Map<?, ?> m, int level) {
        if (m.isEmpty()) { out.append("{}"); return; }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) entries.add(Map.entry(keyText(e.getKey()), e.getValue() == null ? NULL : e.getValue()));
        if (sortKeys) entries.sort((a, b) -> PyStrings.compare(a.getKey(), b.getKey()));
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : entries) {
            if (!first) out.append(itemSep);
            first = false;
            newline(level + 1);
            string(e.getKey());
            out.append(keySep);
            write(e.getValue() == NULL ? null : e.getValue(), level + 1);
        }
        newline(level);
        out.append('}');
    }

    private static final Object NULL = new Object(); // Map.entry refuses null values

    private static String keyText(Object k) {
        return switch (k) {
            case String s -> s;
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Double d -> floatText(d);
            case Long l -> l.toString();
            default -> throw TemplateException.type("keys must be str, int, float, bool or None, not " + PyFormat.typeName(k));
        };
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
