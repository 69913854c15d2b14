package dev.hearth.chat;

import java.util.List;
import java.util.Map;

/**
 * Evaluated call arguments, with Python's binding of a parameter by position or by name.
 * Used by filters, tests, methods and globals, whose signatures are written as
 * {@code a.get(0, "width", 4L)}: position 0, or keyword "width", else 4.
 */
record Args(List<Object> positional, Map<String, Object> named) {

    static final Args EMPTY = new Args(List.of(), Map.of());

    int size() { return positional.size() + named.size(); }

    boolean has(int index, String name) {
        return index < positional.size() || (name != null && named.containsKey(name));
    }

    Object get(int index, String name, Object fallback) {
        if (index >= 0 && index < positional.size()) return positional.get(index);
        if (name != null && named.containsKey(name)) return named.get(name);
        return fallback;
    }

    Object require(int index, String name, String function) {
        if (!has(index, name)) {
            throw TemplateException.type(function + "() missing required argument '" + name + "'");
        }
        return get(index, name, null);
    }

    String string(int index, String name, String fallback) {
        Object v = get(index, name, fallback);
        return v == null ? null : v instanceof String s ? s : PyFormat.str(v);
    }

    long integer(int index, String name, long fallback) {
        Object v = get(index, name, fallback);
        if (v instanceof Long l) return l;
        if (v instanceof Boolean b) return b ? 1 : 0;
        if (v instanceof Double d) return d.longValue();
        if (v == null) return fallback;
        throw TemplateException.type("'" + PyFormat.typeName(v) + "' object cannot be interpreted as an integer");
    }

    boolean bool(int index, String name, boolean fallback) {
        Object v = get(index, name, fallback);
        return PyOps.truthy(v);
    }
}
