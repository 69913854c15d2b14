package dev.hearth.chat;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** jinja2's tests, the names after {@code is}: {@code x is defined}, {@code n is divisibleby 3}. */
final class Tests {

    private Tests() { }

    private static final java.util.Set<String> NAMES = java.util.Set.of(
            "defined", "undefined", "none", "boolean", "true", "false", "string", "number", "integer", "float",
            "mapping", "sequence", "iterable", "callable", "odd", "even", "divisibleby", "lower", "upper",
            "escaped", "sameas", "in", "==", "eq", "equalto", "!=", "ne", "<", "lt", "lessthan", "<=", "le",
            ">", "gt", "greaterthan", ">=", "ge", "filter", "test");

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static boolean apply(String name, Object v, Args a) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "string" -> v instanceof String;
            case "number" -> v instanceof Long || v instanceof Double || v instanceof Boolean;
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "mapping" -> v instanceof Map;
            case "sequence" -> v instanceof String || (v instanceof List && !(v instanceof PyDictView))
                    || v instanceof PyTuple || v instanceof Map || v instanceof Undefined;
            case "iterable" -> v instanceof String || v instanceof List || v instanceof PyTuple || v instanceof Map
                    || v instanceof Undefined || v instanceof Iterator;
            case "callable" -> v instanceof PyCallable;
            // Python: value % 2 == 1, so floats work too (1e20 is even, 2.5 is neither)
            case "odd" -> PyOps.eq(PyOps.binary("%", v, 2L), 1L);
            case "even" -> PyOps.eq(PyOps.binary("%", v, 2L), 0L);
            case "divisibleby" -> PyOps.eq(PyOps.binary("%", v, a.require(0, "num", name)), 0L);
            case "lower" -> { String s = PyFormat.str(v); yield s.equals(PyStrings.lower(s)) && !s.equals(PyStrings.upper(s)); }
            case "upper" -> { String s = PyFormat.str(v); yield s.equals(PyStrings.upper(s)) && !s.equals(PyStrings.lower(s)); }
            case "escaped" -> false;
            case "sameas" -> {
                Object other = a.get(0, "other", null);
                yield v == other || (v == null ? other == null : (v instanceof Boolean || v instanceof String || v instanceof Long) && v.equals(other));
            }
            case "in" -> PyOps.contains(a.require(0, "seq", name), v);
            case "==", "eq", "equalto" -> PyOps.eq(v, a.require(0, "other", name));
            case "!=", "ne" -> !PyOps.eq(v, a.require(0, "other", name));
            case "<", "lt", "lessthan" -> PyOps.compare(v, a.require(0, "other", name), "<") < 0;
            case "<=", "le" -> PyOps.compare(v, a.require(0, "other", name), "<=") <= 0;
            case ">", "gt", "greaterthan" -> PyOps.compare(v, a.require(0, "other", name), ">") > 0;
            case ">=", "ge" -> PyOps.compare(v, a.require(0, "other", name), ">=") >= 0;
            case "filter" -> v instanceof String s && Filters.exists(s);
            case "test" -> v instanceof String s && exists(s);
            default -> throw TemplateException.type("No test named '" + name + "' found.");
        };
    }
}
